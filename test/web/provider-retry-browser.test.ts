// Slack's retry of an event says which it is and why (X-Slack-Retry-Num, X-Slack-Retry-Reason). The web inspector's
// list row says `retry 1: http_timeout` beside `dup #1`, and its detail beside `duplicate of #1`, as `ls`, `show` and
// the TUI do, in a real Chromium.

import { beforeAll, expect, it, vi } from 'vitest';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { useInspectorPage } from './browser.js';
import { record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const secrets = buildSecrets({ flags: ['slack=s3cret'] });

const web = useInspectorPage({
  name: 'provider-retry',
  secrets,
  seed: async (store, app) => {
    const mention = buildTriggerRequest('slack', 'app_mention', { secrets, nowMs: Date.now(), path: '/slack/events' });
    const request = { path: '/slack/events', headers: mention.headers, body: mention.body };
    await record(store, app.url, request, secrets); // #1
    const retry: [string, string][] = [['X-Slack-Retry-Num', '1'], ['X-Slack-Retry-Reason', 'http_timeout']];
    await record(store, app.url, { ...request, headers: [...mention.headers, ...retry] }, secrets); // #2
  },
});

beforeAll(async () => {
  await web.page.click('tr[data-id="2"]');
  await web.page.waitForSelector('[data-mark="retry"]');
}, 60_000);

it("says why Slack sent it again beside the row's dup mark", async () => {
  expect(await web.page.textContent('tr[data-id="2"] .marks')).toContain('dup #1 retry 1: http_timeout');
  expect(await web.page.textContent('tr[data-id="1"]')).not.toContain('retry');
});

it('says it in the detail beside "duplicate of #1"', async () => {
  expect(await web.page.textContent('[data-mark="retry"]')).toBe('retry 1: http_timeout');
  expect(await web.page.textContent('[data-mark="duplicate"]')).toContain('duplicate of #1');
});
