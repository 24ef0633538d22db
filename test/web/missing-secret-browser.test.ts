// A Stripe webhook in an inspector that has no Stripe secret, in a real Chromium: where the page says the signature
// was not checked, or a replay was not re-signed, for want of a secret, it says how to give one, as `hooktunnel show`,
// `replay --resign` and the TUI do.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { Store } from '../../src/store/store.js';
import type { Inspector } from '../../src/web/server.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { launchBrowser, openInspector, type Browser } from './browser.js';
import { record, startInspector } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const HINT = 'set --secret stripe=… or HOOKTUNNEL_SECRET_STRIPE';
const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-no-secret-'));
let store: Store;
let app: LocalApp;
let inspector: Inspector;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'));
  app = await startLocalApp();
  // Signed by Stripe with a secret this run was not given.
  const delivery = buildTriggerRequest('stripe', 'invoice.paid', { secrets: buildSecrets({ flags: ['stripe=whsec_elsewhere'] }), nowMs: Date.now(), path: '/stripe' });
  await record(store, app.url, { path: '/stripe', headers: delivery.headers, body: delivery.body }, buildSecrets({ flags: [] })); // #1
  inspector = await startInspector(store, app.url, buildSecrets({ flags: [] }));
  browser = await launchBrowser();
  page = await openInspector(browser, inspector.url);
  await page.click('tr[data-id="1"]');
  await page.waitForSelector('[data-signature="unchecked"]');
}, 60_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await inspector?.close();
  await app?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('follows "not checked: no secret configured" with how to give one', async () => {
  expect(await page.textContent('[data-signature="unchecked"] .value')).toBe(`not checked: no secret configured for stripe (${HINT})`);
});

it('follows "not re-signed: no secret configured" after a replay with how to give one', async () => {
  await page.click('[data-action="replay-resigned"]');
  await page.waitForSelector('#message >> text=replayed as');
  expect(await page.textContent('#message')).toBe(`#1 replayed as #2: 200, not re-signed: no secret configured for stripe (${HINT})`);
});
