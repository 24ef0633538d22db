// The inspector page by keyboard alone, in a real Chromium: mark two exchanges with x and diff them with d.

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

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-keys-'));
let store: Store;
let app: LocalApp;
let inspector: Inspector;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'));
  app = await startLocalApp();
  const json: [string, string][] = [['Content-Type', 'application/json']];
  await record(store, app.url, { path: '/a', headers: json, body: '{"n":1}' }); // #1
  await record(store, app.url, { path: '/b', headers: json, body: '{"n":2}' }); // #2
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

it('says how to diff when d is pressed with fewer than two marked', async () => {
  await page.keyboard.press('j');
  await page.waitForSelector('tr.selected[data-id="2"]');
  await page.keyboard.press('x');
  await page.keyboard.press('d');
  await page.waitForSelector('#message.error');
  expect(await page.textContent('#message')).toBe('mark two exchanges with x (or their checkboxes), then press d to diff them');
  expect(await page.isVisible('dialog#modal')).toBe(false);
});

it('opens the diff of the two marked with d', async () => {
  await page.keyboard.press('j');
  await page.waitForSelector('tr.selected[data-id="1"]');
  await page.keyboard.press('x');
  expect(await page.textContent('#diff')).toBe('diff #2 ↔ #1 (d)');
  await page.keyboard.press('d');
  await page.waitForSelector('dialog#modal[open] table[data-diff="json"]');
  expect(await page.textContent('dialog#modal h2')).toBe('diff #2 ↔ #1');
  expect(await page.$$eval('table[data-diff="json"] tbody td', (tds) => tds.map((td) => td.textContent))).toEqual(['~', 'n', '2', '1']);
});
