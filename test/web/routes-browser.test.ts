// The inspector page in headless Chromium shows which hooktunnel.yml route took an exchange, and that it was stored
// redacted, in the list and in the detail.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { parseRedactRule } from '../../src/redact/redact.js';
import { Store } from '../../src/store/store.js';
import type { Inspector } from '../../src/web/server.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { launchBrowser, openInspector, type Browser } from './browser.js';
import { record, startInspector } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-routes-page-'));
let store: Store;
let app: LocalApp;
let inspector: Inspector;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'), { redact: [parseRedactRule('header:authorization')] });
  app = await startLocalApp();
  await record(store, `${app.url}/base`, { path: '/stripe/events', headers: [['Authorization', 'Bearer sk_live_1']], body: '{}', route: '/stripe' }); // #1
  inspector = await startInspector(store);
  browser = await launchBrowser();
  page = await openInspector(browser, inspector.url);
}, 60_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await inspector?.close();
  await app?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('marks the route and the redaction in the list row and the detail', async () => {
  const row = page.locator('tr[data-id="1"]');
  await row.waitFor();
  expect(await row.locator('.marks').textContent()).toBe('→ /stripe redacted');
  await row.click();
  await page.waitForSelector('[data-route]');
  expect(await page.textContent('[data-route] .value')).toBe(`${app.url}/base  (route /stripe)`);
  expect(await page.textContent('[data-redacted] .value')).toBe('header:authorization');
  expect(await page.textContent('table[data-headers="request"]')).toContain('[REDACTED]');
});
