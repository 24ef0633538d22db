// The body views of the inspector page in a real Chromium, for bodies a developer meets when something is wrong: a
// body that says it is JSON and is not, a body labelled gzip that is not, a large binary body.

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

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-bodies-'));
/** A trailing comma: what a hand-written test payload often has, and what the app's JSON.parse refuses. */
const BROKEN = '{"id":"evt_1","amount":2000,}';
/** A 1 MB binary body (bytes 0–255 over and over): its hex dump is 62,500 lines, five million characters. */
const BINARY = Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => i % 256));
let store: Store;
let app: LocalApp;
let inspector: Inspector;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'));
  app = await startLocalApp();
  await record(store, app.url, { path: '/broken', headers: [['Content-Type', 'application/json']], body: BROKEN }); // #1
  await record(store, app.url, { path: '/not-gzip', headers: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], body: '{"plain":true}' }); // #2
  await record(store, app.url, { path: '/binary', headers: [['Content-Type', 'application/octet-stream']], body: BINARY }); // #3
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

it('says a body sent as JSON is not valid JSON, and where, above its text', async () => {
  await page.click('tr[data-id="1"]');
  await page.waitForSelector('[data-body-note]');
  expect(await page.textContent('[data-body-view="json"].active')).toBe('pretty');
  expect(await page.textContent('[data-body-note]')).toMatch(/^not valid JSON \(.*position 28.*\): shown as text$/);
  expect(await page.textContent('pre[data-view="text"]')).toBe(BROKEN);
});

it('says a body labelled gzip that does not inflate is shown as stored, as `hooktunnel show` says it', async () => {
  await page.click('tr[data-id="2"]');
  await page.waitForSelector('.detail-title >> text=/not-gzip');
  await page.waitForSelector('.json-tree[data-view="json"]');
  expect(await page.textContent('[data-body-summary]')).toBe(
    '14 bytes · application/json · encoding gzip · labelled gzip, but is not gzip, or is cut short or damaged: shown as stored',
  );
});

it('shows a 1 MB binary body as hex a page at a time, not five million characters at once', async () => {
  await page.click('tr[data-id="3"]');
  await page.waitForSelector('.detail-title >> text=/binary');
  await page.waitForSelector('[data-pager="range"]');
  expect(await page.textContent('[data-pager="range"]')).toBe('bytes 0–4,096 of 1,000,000 (large body: shown a page at a time)');
  const lines = (await page.textContent('pre[data-view="hex"]'))!.split('\n');
  expect(lines).toHaveLength(256);
  expect(lines[255]).toMatch(/^00000ff0 {2}f0 f1 f2/);
  await page.click('text=next ▶');
  await page.waitForSelector('pre[data-view="hex"] >> text=/^00001000 {2}00 01 02/');
});
