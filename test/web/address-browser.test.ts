// The exchange on show is in the page's address (`/#12`), in a real Chromium: a reload comes back to it, and an
// address typed with an id opens that exchange.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { Store } from '../../src/store/store.js';
import type { Inspector } from '../../src/web/server.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { launchBrowser, openInspector, type Browser } from './browser.js';
import { record, startInspector } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-address-'));
let store: Store;
let app: LocalApp;
let inspector: Inspector;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'));
  app = await startLocalApp();
  await record(store, app.url, { path: '/a', body: 'a' }); // #1
  await record(store, app.url, { path: '/b', body: 'b' }); // #2
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

it('keeps the exchange on show in the address, so a reload comes back to it', async () => {
  await page.click('tr[data-id="1"]');
  await page.waitForSelector('.detail-title >> text=#1');
  expect(new URL(page.url()).hash).toBe('#1');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('.detail-title >> text=/a');
  expect(await page.textContent('.detail-title .id')).toBe('  #1');
  expect(await page.getAttribute('tr.selected', 'data-id')).toBe('1');
});

it('opens the exchange an address names', async () => {
  await page.goto(`${inspector.origin}/#2`);
  await page.waitForSelector('.detail-title >> text=/b');
  expect(await page.getAttribute('tr.selected', 'data-id')).toBe('2');
});
