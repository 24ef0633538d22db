// What the inspector page says when the local app fails a replay or retry, in a real Chromium: the next step, as
// `hooktunnel replay` and `retry` give it. A timeout names --timeout; a retry the app answers 5xx is a failed attempt.

import type { ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { parseTarget } from '../../src/forward/target.js';
import { Store } from '../../src/store/store.js';
import { Inspector } from '../../src/web/server.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { launchBrowser, openInspector, type Browser } from './browser.js';
import { record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-app-failures-'));
/** How long the inspector's replays wait for the app. */
const TIMEOUT_MS = 300;
/** The app answers 200 until a test makes it fail: 500, or no answer at all (held until the end). */
let mode: 'ok' | 'error' | 'silent' = 'ok';
const held: ServerResponse[] = [];
let store: Store;
let app: LocalApp;
let inspector: Inspector;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'));
  app = await startLocalApp((_req, res) => {
    if (mode === 'silent') return void held.push(res);
    res.writeHead(mode === 'error' ? 500 : 200, { 'Content-Type': 'text/plain' });
    res.end(mode === 'error' ? 'boom' : 'ok');
  });
  await record(store, app.url, { path: '/hook', body: 'x' }); // #1
  inspector = await Inspector.start({
    store,
    replayTo: parseTarget(app.url),
    timeoutMs: TIMEOUT_MS,
    info: { mode: 'web', publicUrl: null, target: app.url, dbPath: store.path, connection: null },
    port: 0,
    fallback: false,
  });
  browser = await launchBrowser();
  page = await openInspector(browser, inspector.url);
  await page.click('tr[data-id="1"]');
  await page.waitForSelector('[data-action="retry"]:not([disabled])');
}, 60_000);

afterAll(async () => {
  for (const res of held) res.destroy();
  await page?.close();
  await browser?.close();
  await inspector?.close();
  await app?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('says a retry the app answered 5xx failed, and what to do, not "retried: 500"', async () => {
  mode = 'error';
  await page.click('[data-action="retry"]');
  await page.waitForSelector('#message.error');
  expect(await page.textContent('#message')).toBe('retry of #1 failed: the app answered 500 (its answer is under "response": fix the app, then retry)');
});

it('names --timeout after a replay the app did not answer in time', async () => {
  mode = 'silent';
  await page.click('[data-action="replay"]');
  await page.waitForSelector('#message.error >> text=replay of #1 failed');
  expect(await page.textContent('#message')).toBe(
    `replay of #1 failed: the local app at ${app.url} did not answer within ${TIMEOUT_MS / 1000} s (start hooktunnel with a larger --timeout; 0 waits forever) (recorded as #2)`,
  );
});
