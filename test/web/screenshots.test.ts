// Refreshes the README's pictures of the web inspector from a real run:
//   npm run build && HOOKTUNNEL_SCREENSHOTS=1 npx vitest run test/web/screenshots.test.ts
// Skipped otherwise (it writes into docs/).

import { expect, it } from 'vitest';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { send } from '../helpers/http.js';
import { openInspector, useListenPage } from './browser.js';

const enabled = Boolean(process.env.HOOKTUNNEL_SCREENSHOTS);
const SECRETS = ['stripe=whsec_screenshot', 'github=gh_screenshot'];
const web = useListenPage({
  enabled,
  app: (req, res, body) => {
    res.writeHead(req.url?.startsWith('/webhooks/github') ? 500 : 200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ received: true, bytes: body.length }));
  },
  args: SECRETS.flatMap((s) => ['--secret', s]),
});

async function deliver(provider: string, event: string, path: string, secrets = buildSecrets({ flags: SECRETS })): Promise<void> {
  const request = buildTriggerRequest(provider, event, { secrets, nowMs: Date.now(), path });
  await send(`${web.listen.url}${path}`, { headers: request.headers.flat(), body: request.body });
}

it.runIf(enabled)('saves docs/web-inspector-list.png and docs/web-inspector-detail.png', async () => {
  await deliver('stripe', 'payment_intent.succeeded', '/webhooks/stripe');
  await deliver('github', 'push', '/webhooks/github');
  await deliver('stripe', 'customer.subscription.created', '/webhooks/stripe', buildSecrets({ flags: ['stripe=whsec_wrong'] }));
  await deliver('shopify', 'orders/create', '/webhooks/shopify');
  await send(`${web.listen.url}/slack/command`, { headers: ['Content-Type', 'application/x-www-form-urlencoded'], body: 'command=%2Fdeploy&text=staging&user_name=ada' });
  await deliver('stripe', 'invoice.paid', '/webhooks/stripe');
  await web.listen.waitForRequest((e) => e.path === '/webhooks/stripe' && (e.webhook as { eventType?: string })?.eventType === 'invoice.paid', 'the last delivery');

  const page = await openInspector(web.browser, web.inspectorUrl);
  const first = page.locator('#rows tr').last();
  await first.click();
  await page.waitForSelector('[data-signature="valid"]');
  await page.click('[data-action="replay"]');
  await page.waitForSelector('tr .marks');
  await page.locator('#rows tr').last().click();
  await page.waitForSelector('[data-view="json"]');
  await page.screenshot({ path: 'docs/web-inspector-detail.png' });
  await page.locator('tr[data-id="5"]').click();
  await page.waitForSelector('[data-view="form"]');
  await page.locator('tr[data-id="3"] input[type="checkbox"]').click();
  await page.locator('tr[data-id="1"] input[type="checkbox"]').click();
  await page.click('#diff');
  await page.waitForSelector('[data-diff]');
  await page.screenshot({ path: 'docs/web-inspector-diff.png' });
  await page.keyboard.press('Escape');
  await page.locator('tr[data-id="3"]').click();
  await page.waitForSelector('[data-signature="invalid"]');
  await page.screenshot({ path: 'docs/web-inspector-list.png' });
  expect(await page.locator('#rows tr').count()).toBeGreaterThanOrEqual(7);
});
