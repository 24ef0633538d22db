// Refreshes the README's pictures of the web inspector from a real run:
//   npm run build && HOOKTUNNEL_SCREENSHOTS=1 npx vitest run test/web/screenshots.test.ts
// Skipped otherwise (it writes into docs/).

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRelay, type Relay } from '../../relay-server/relay.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { startListen, tempHome, type ListenProcess } from '../helpers/cli.js';
import { send, startLocalApp, type LocalApp } from '../helpers/http.js';
import { launchBrowser, openInspector, type Browser } from './browser.js';

const enabled = Boolean(process.env.HOOKTUNNEL_SCREENSHOTS);
const home = tempHome();
let relay: Relay;
let app: LocalApp;
let listen: ListenProcess;
let browser: Browser;
const SECRETS = ['stripe=whsec_screenshot', 'github=gh_screenshot'];

beforeAll(async () => {
  if (!enabled) return;
  relay = createRelay({ port: 0, host: '127.0.0.1' });
  const relayUrl = await relay.start();
  app = await startLocalApp((req, res, body) => {
    res.writeHead(req.url?.startsWith('/webhooks/github') ? 500 : 200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ received: true, bytes: body.length }));
  });
  listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db, '--inspect-port', '0', ...SECRETS.flatMap((s) => ['--secret', s])], home.env);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await listen?.stop();
  await app?.close();
  await relay?.close();
  home.cleanup();
});

async function deliver(provider: string, event: string, path: string, secrets = buildSecrets({ flags: SECRETS })): Promise<void> {
  const request = buildTriggerRequest(provider, event, { secrets, nowMs: Date.now(), path });
  await send(`${listen.url}${path}`, { headers: request.headers.flat(), body: request.body });
}

it.runIf(enabled)('saves docs/web-inspector-list.png and docs/web-inspector-detail.png', async () => {
  await deliver('stripe', 'payment_intent.succeeded', '/webhooks/stripe');
  await deliver('github', 'push', '/webhooks/github');
  await deliver('stripe', 'customer.subscription.created', '/webhooks/stripe', buildSecrets({ flags: ['stripe=whsec_wrong'] }));
  await deliver('shopify', 'orders/create', '/webhooks/shopify');
  await send(`${listen.url}/slack/command`, { headers: ['Content-Type', 'application/x-www-form-urlencoded'], body: 'command=%2Fdeploy&text=staging&user_name=ada' });
  await deliver('stripe', 'invoice.paid', '/webhooks/stripe');
  await listen.waitForRequest((e) => e.path === '/webhooks/stripe' && (e.webhook as { eventType?: string })?.eventType === 'invoice.paid', 'the last delivery');

  const page = await openInspector(browser, listen.events.find((e) => e.type === 'ready')!.inspector as string);
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
