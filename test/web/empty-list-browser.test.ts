// What the inspector page says before anything is recorded, in a real Chromium: under listen, where to send a
// request (its public URL); under `hooktunnel web`, which has no tunnel, the listen that fills this database.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { Store } from '../../src/store/store.js';
import { Inspector } from '../../src/web/server.js';
import { launchBrowser, openInspector, type Browser } from './browser.js';
import { startInspector } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-empty-'));
const PUBLIC_URL = 'http://127.0.0.1:4747/t/demo';
let store: Store;
const inspectors: Inspector[] = [];
let browser: Browser;

beforeAll(async () => {
  mkdirSync(join(dir, 'my hooks'));
  store = Store.open(join(dir, 'my hooks', 'capture.db'));
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const inspector of inspectors) await inspector.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('`hooktunnel web` on an empty database names the listen that would fill it', async () => {
  const inspector = await startInspector(store);
  inspectors.push(inspector);
  const page = await openInspector(browser, inspector.url);
  await page.waitForSelector('#empty:not([hidden])');
  expect(await page.textContent('#empty')).toBe(
    `Nothing recorded in ${store.path} yet. Run hooktunnel listen <port> --db '${store.path}' and what it receives appears here.`,
  );
});

it('listen names its public URL as where to send a first request', async () => {
  const inspector = await Inspector.start({
    store,
    timeoutMs: 5_000,
    info: { mode: 'listen', publicUrl: PUBLIC_URL, target: 'http://localhost:3000', dbPath: store.path, connection: 'online' },
    port: 0,
    fallback: false,
  });
  inspectors.push(inspector);
  const page = await openInspector(browser, inspector.url);
  await page.waitForSelector('#empty:not([hidden])');
  expect(await page.textContent('#empty')).toBe(`No exchanges yet. Send a request to ${PUBLIC_URL} and it appears here.`);
});
