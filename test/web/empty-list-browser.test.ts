// What the inspector page says before anything is recorded, in a real Chromium: under listen, where to send a
// request (its public URL); under `hooktunnel web`, which has no tunnel, the listen that fills this database, its
// path quoted for a shell by the server (src/export/shell-quote.ts), however awkward the path.

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
/** A folder no plain single quotes can carry to a prompt whole: a space, a quote and a newline. */
const FOLDER = "it's my\nhooks";
let store: Store;
const inspectors: Inspector[] = [];
let browser: Browser;

beforeAll(async () => {
  mkdirSync(join(dir, FOLDER));
  store = Store.open(join(dir, FOLDER, 'capture.db'));
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
    // Bash's $'…' keeps the newline as \n: pasted, the command is one line and names this very file.
    `Nothing recorded in ${store.path} yet. Run hooktunnel listen <port> --db $'${dir}/it\\'s my\\nhooks/capture.db' and what it receives appears here.`,
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
