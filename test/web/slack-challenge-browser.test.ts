// Slack takes an Events API Request URL only when the app answers its url_verification 200 with the challenge.
// `show`, trigger, listen and the TUI say when the answer would fail that check; the web inspector says it too, in
// the same words, among the delivery marks, in a real Chromium.

import { beforeAll, expect, it, vi } from 'vitest';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { useInspectorPage } from './browser.js';
import { record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const secrets = buildSecrets({ flags: ['slack=s3cret'] });

const web = useInspectorPage({
  name: 'slack-challenge',
  secrets,
  // /echo answers as Slack wants (the challenge as the body); any other path answers 200 "ok".
  app: (req, res, body) => {
    res.writeHead(200);
    res.end(req.url === '/echo' ? (JSON.parse(body.toString('utf8')) as { challenge: string }).challenge : 'ok');
  },
  seed: async (store, app) => {
    for (const path of ['/events', '/echo']) {
      const check = buildTriggerRequest('slack', 'url_verification', { secrets, nowMs: Date.now(), path });
      await record(store, app.url, { path, headers: check.headers, body: check.body }, secrets); // #1 "ok", #2 echoed
    }
  },
});

beforeAll(async () => {
  await web.page.click('tr[data-id="1"]');
  await web.page.waitForSelector('[data-mark="challenge"]');
}, 60_000);

it('says an answer that does not echo the challenge would fail Slack\'s URL check', async () => {
  expect(await web.page.textContent('[data-mark="challenge"]')).toBe(
    'the answer does not echo the challenge, so Slack would not take the Request URL (answer 200 with the challenge as the body, or as {"challenge": "…"})',
  );
});

it('says nothing of the challenge when the answer echoes it', async () => {
  await web.page.click('tr[data-id="2"]');
  await web.page.waitForSelector('.detail-title >> text=#2');
  expect(await web.page.locator('[data-mark="challenge"]').count()).toBe(0);
});
