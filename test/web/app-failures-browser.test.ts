// What the inspector page says when the local app fails a replay or retry, in a real Chromium: the server's words,
// the same as `hooktunnel replay` and `retry` give (src/delivery/delivery-failure.ts), with the next step. A timeout
// names --timeout; a retry the app answers 5xx is a failed attempt.

import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { useInspectorPage } from './browser.js';
import { record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

/** How long the inspector's replays wait for the app. */
const TIMEOUT_MS = 300;
/** The app answers 200 until a test makes it fail: 500, or no answer at all (held until the end). */
let mode: 'ok' | 'error' | 'silent' = 'ok';
const held: ServerResponse[] = [];

const web = useInspectorPage({
  name: 'app-failures',
  app: (_req, res) => {
    if (mode === 'silent') return void held.push(res);
    res.writeHead(mode === 'error' ? 500 : 200, { 'Content-Type': 'text/plain' });
    res.end(mode === 'error' ? 'boom' : 'ok');
  },
  replayToApp: true,
  timeoutMs: TIMEOUT_MS,
  seed: async (store, app) => {
    await record(store, app.url, { path: '/hook', body: 'x' }); // #1
  },
});

beforeAll(async () => {
  await web.page.click('tr[data-id="1"]');
  await web.page.waitForSelector('[data-action="retry"]:not([disabled])');
}, 60_000);

// Runs before the shared afterAll (after-hooks run in reverse), so the app can close with no answer still held.
afterAll(() => {
  for (const res of held) res.destroy();
});

/**
 * The status line once the server answered (it says "replaying #1…" until then), whatever it says: a page that
 * took the failure for a success fails the test at once, rather than by a wait for an error that never comes.
 */
async function answered(): Promise<{ text: string | null; kind: string | null }> {
  await web.page.waitForFunction(() => !document.querySelector('#message')?.textContent?.endsWith('…'));
  return { text: await web.page.textContent('#message'), kind: await web.page.getAttribute('#message', 'class') };
}

it('says a retry the app answered 5xx failed, and what to do, not "retried: 500"', async () => {
  mode = 'error';
  await web.page.click('[data-action="retry"]');
  expect(await answered()).toEqual({
    text: 'retry of #1 failed: the app answered #1 with 500 (its answer is in `hooktunnel show 1`; fix the app, then retry)',
    kind: 'error',
  });
});

it('names --timeout after a replay the app did not answer in time', async () => {
  mode = 'silent';
  await web.page.click('[data-action="replay"]');
  expect(await answered()).toEqual({
    text: `replay of #1 failed: the local app at ${web.app.url} did not answer within ${TIMEOUT_MS / 1000} s (raise --timeout; 0 waits forever) (recorded as #2)`,
    kind: 'error',
  });
});
