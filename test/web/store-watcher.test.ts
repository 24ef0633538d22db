// The store watcher behind `hooktunnel web`'s live feed: a row another process recorded as pending reaches the page
// again once it settles, however many newer rows a burst put above it; listen's own exchanges are not sent twice.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ExchangeSummary } from '../../src/exchange.js';
import type { Recording } from '../../src/store/recording.js';
import { Store } from '../../src/store/store.js';
import { POLL_MS, StoreWatcher } from '../../src/store/store-watcher.js';
import { Inspector } from '../../src/web/server.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { startLocalApp, waitFor } from '../helpers/http.js';
import { record } from './support.js';

let dir: string;
let store: Store;
let watcher: StoreWatcher;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hooktunnel-watcher-'));
  store = Store.open(join(dir, 'capture.db'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  watcher?.stop();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function begin(path: string): Recording {
  return store.begin(exchangeStart({ url: null, target: 'http://127.0.0.1:1', path, body: Buffer.from('x') }));
}

function finish(recording: Recording): void {
  recording.respond(200, []);
  recording.complete(1);
}

/** The next event for this id that satisfies `match`. */
function nextEvent(id: number, match: (e: ExchangeSummary) => boolean): Promise<ExchangeSummary> {
  return new Promise((resolve) => {
    const listener = (e: ExchangeSummary) => {
      if (e.id !== id || !match(e)) return;
      watcher.off('exchange', listener);
      resolve(e);
    };
    watcher.on('exchange', listener);
  });
}

it('reports a pending row settling after a burst of 200 newer rows pushed it out of the recent window', async () => {
  watcher = new StoreWatcher(store, { watchFiles: true });
  watcher.start();
  const slow = begin('/slow');
  store.writes.commitBatch();
  await nextEvent(slow.id, (e) => e.state === 'pending');

  const burst = Array.from({ length: 200 }, (_, i) => begin(`/burst/${i}`));
  for (const recording of burst) finish(recording);
  store.writes.commitBatch();
  const last = burst[burst.length - 1].id;
  await nextEvent(last, (e) => e.state === 'complete');

  // Finished last, far below the newest 50 rows: the page still shows it pending until it hears of this.
  finish(slow);
  store.writes.commitBatch();
  watcher.schedule();
  const settled = await nextEvent(slow.id, (e) => e.state === 'complete');
  expect(settled).toMatchObject({ path: '/slow', status: 200 });
});

it('reads the unsettled rows below the recent window back once a poll interval, not on every change', async () => {
  // Date only: the watcher's own timers run for real, and no poll interval passes between the changes below.
  vi.useFakeTimers({ toFake: ['Date'] });
  watcher = new StoreWatcher(store, { watchFiles: true });
  watcher.start();
  // Seen pending, then pushed below the newest 50 rows.
  const waiting = Array.from({ length: 100 }, (_, i) => begin(`/waiting/${i}`));
  store.writes.commitBatch();
  await nextEvent(waiting[99].id, () => true);
  const newer = Array.from({ length: 60 }, (_, i) => begin(`/newer/${i}`));
  for (const recording of newer) finish(recording);
  store.writes.commitBatch();
  await nextEvent(newer[59].id, () => true);
  const reads = vi.spyOn(store, 'summary');
  for (let i = 0; i < 5; i++) {
    const newest = begin(`/change/${i}`);
    store.writes.commitBatch();
    watcher.schedule();
    await nextEvent(newest.id, () => true);
  }
  // A check each, and no poll interval passed since the one above read the 100 pending rows back (before: 500 reads,
  // ~20 ms a check).
  expect(reads).not.toHaveBeenCalled();

  vi.setSystemTime(Date.now() + 1_000);
  finish(waiting[0]);
  store.writes.commitBatch();
  watcher.schedule();
  expect(await nextEvent(waiting[0].id, (e) => e.state === 'complete')).toMatchObject({ path: '/waiting/0' });
});

it('counts a partial recording replaced by its redelivery as pruned, so pages drop its row', () => {
  const partial = begin('/cut');
  store.writes.commitBatch();
  const before = store.prunedTotal();
  store.remove(partial.id);
  expect(store.prunedTotal()).toBe(before + 1);
  expect(store.summary(partial.id)).toBeUndefined();
  store.remove(partial.id);
  expect(store.prunedTotal()).toBe(before + 1);
});

it("listen's inspector sends listen's own exchanges once and reads none back; another process's still come", async () => {
  // The poll's timer only: the feed's, the forwarder's and the app's run for real.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const app = await startLocalApp();
  // As listen starts it: on listen's store, its exchanges announced as the session's events (followSession).
  const inspector = await Inspector.start({
    store,
    timeoutMs: 5_000,
    info: { mode: 'listen', publicUrl: null, target: app.url, dbPath: store.path, connection: null },
    port: 0,
    fallback: false,
  });
  const other = Store.open(store.path);
  let text = '';
  const stream = http.get({ host: '127.0.0.1', port: inspector.port, path: '/api/events', headers: { Host: `127.0.0.1:${inspector.port}` } }, (res) => {
    res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  });
  const feed = () =>
    text
      .split('\n')
      .filter((line) => line.startsWith('data: ['))
      .flatMap((line) => JSON.parse(line.slice(6)) as { id: number; path: string }[]);
  try {
    // The page is there: the inspector follows the store from now on.
    await waitFor(() => text.includes('event: info'), 'the page to attach');
    const own = await record(store, app.url, { path: '/own' });
    inspector.announce(own);
    await waitFor(() => feed().some((e) => e.id === own.id), "listen's exchange on the feed");

    const reads = [vi.spyOn(store, 'list'), vi.spyOn(store, 'summary'), vi.spyOn(store, 'summaries')];
    vi.advanceTimersByTime(POLL_MS);
    // Before: read back and sent to the page a second time.
    expect(reads.flatMap((spy) => spy.mock.results.flatMap((result) => [(result.value as ExchangeSummary | ExchangeSummary[] | undefined) ?? []].flat()))).toEqual([]);

    const elsewhere = await record(other, app.url, { path: '/elsewhere' });
    vi.advanceTimersByTime(POLL_MS);
    await waitFor(() => feed().some((e) => e.id === elsewhere.id && e.path === '/elsewhere'), "the other process's exchange on the feed");
    expect(feed().filter((e) => e.id === own.id)).toHaveLength(1);
  } finally {
    stream.destroy();
    other.close();
    await inspector.close();
    await app.close();
  }
});
