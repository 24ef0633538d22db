// listen's TUI model follows the store for what other processes record. Its own exchanges come as session events: the
// once-a-second poll must not read them back and show them again, nor show an older version of one after them.
// A real store, a second connection to its file as the other process, a real local app; the poll is driven by hand.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ExchangeSummary, HeaderPairs } from '../../src/exchange.js';
import { runExchange } from '../../src/exchange-runner.js';
import { Forwarder } from '../../src/forward/forwarder.js';
import { parseTarget, type Target } from '../../src/forward/target.js';
import { runAttempt } from '../../src/delivery/attempt.js';
import { Session } from '../../src/session.js';
import { POLL_MS } from '../../src/store/store-watcher.js';
import { Store } from '../../src/store/store.js';
import { SessionModel } from '../../src/tui/session-model.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';

let dir: string;
let dbPath: string;
let app: LocalApp;
/** Runs as a request reaches the local app. */
let onRequest: () => void;
/** The app answers once this settles. */
let answer: Promise<void>;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hooktunnel-follow-'));
  dbPath = join(dir, 'capture.db');
  onRequest = () => {};
  answer = Promise.resolve();
  app = await startLocalApp((_req, res) => {
    onRequest();
    void answer.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  // The poll's timer only: the forwarder's, the store's and the app's run for real.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** listen's side: its store, a session whose events the model follows, and what the model published, in order. */
function listenWith(store: Store) {
  const target: Target = parseTarget(String(app.port));
  const forwarder = new Forwarder(target, { timeoutMs: 5000, hostHeader: 'rewrite' });
  const session = new Session({ target, relayUrl: 'ws://127.0.0.1:1', timeoutMs: 5000, hostHeader: 'rewrite', retry: false, store });
  const model = new SessionModel({ session, store, target, timeoutMs: 5000 });
  const published: ExchangeSummary[] = [];
  model.subscribe({ exchange: (e) => published.push(e) });
  cleanups.push(() => store.close(), () => forwarder.close(), () => session.close(), () => model.close());
  return {
    forwarder,
    published,
    /** One webhook forwarded and recorded as listen does it, then announced as the session does. */
    async forward(path: string): Promise<ExchangeSummary> {
      const headers: HeaderPairs = [['content-type', 'application/json']];
      const input = { method: 'POST', path, headers, body: Buffer.from('{}'), deliveryId: null, url: null, receivedAt: Date.now(), replayOf: null };
      const summary = await runExchange(input, { forwarder, store }).done;
      session.emit('exchange', summary);
      return summary;
    },
  };
}

const poll = () => vi.advanceTimersByTime(POLL_MS);

/** Ids of the rows the store hands back while `run` runs: every read of a row goes through one of these. */
function rowsRead(store: Store, run: () => void): number[] {
  const reads = [vi.spyOn(store, 'list'), vi.spyOn(store, 'summary'), vi.spyOn(store, 'summaries')];
  // Every check asks it first: the poll did run.
  const checks = vi.spyOn(store, 'prunedTotal');
  try {
    run();
    expect(checks).toHaveBeenCalled();
    return reads.flatMap((spy) => spy.mock.results.flatMap((result) => [result.value as ExchangeSummary[] | ExchangeSummary | undefined ?? []].flat().map((row) => row.id)));
  } finally {
    for (const spy of [...reads, checks]) spy.mockRestore();
  }
}

it("reads none of listen's own exchanges back and shows each once, yet shows a verdict another process records", async () => {
  const store = Store.open(dbPath);
  const listen = listenWith(store);
  const own: number[] = [];
  for (let i = 0; i < 20; i++) own.push((await listen.forward(`/hook/${i}`)).id);
  // Before: 20 rows read back and published a second time by this poll, and the newest 50 by every poll after it.
  expect(rowsRead(store, poll)).toEqual([]);
  expect(rowsRead(store, poll)).toEqual([]);
  expect(listen.published.map((e) => e.id)).toEqual(own);

  // `hooktunnel verify 5` in another terminal: its connection's commit is what makes the poll read the recent rows again.
  const other = Store.open(dbPath);
  cleanups.push(() => other.close());
  other.recordAnalysis(own[4], { provider: 'stripe', eventType: 'invoice.paid', eventId: 'evt_1', eventAt: null, orderScope: null, verification: 'invalid', reason: 'no secret matches' }, { url: null });
  other.writes.commitBatch();
  poll();
  expect(listen.published.slice(own.length)).toMatchObject([{ id: own[4], state: 'complete', webhook: { verification: 'invalid' } }]);
});

it('shows a retry another process makes of one of them: the new attempt pending, then its answer', async () => {
  const store = Store.open(dbPath);
  const listen = listenWith(store);
  const { id } = await listen.forward('/hook');
  poll();
  const other = Store.open(dbPath);
  cleanups.push(() => other.close());
  let release!: () => void;
  answer = new Promise((resolve) => (release = resolve));
  const atApp = new Promise<void>((resolve) => (onRequest = resolve));
  const attempt = runAttempt({ store: other, forwarder: listen.forwarder, schedule: () => 1000, timeoutMs: 5000 }, id, 'manual');
  // The retry's request is at the app: the row is pending again, its first delivery counted as attempt 1.
  await atApp;
  poll();
  release();
  expect((await attempt).sent).toBe(true);
  poll();
  expect(listen.published.slice(1)).toMatchObject([
    { id, state: 'pending', attempts: 1 },
    { id, state: 'complete', status: 200, attempts: 2 },
  ]);
});

it('never shows an exchange listen announced finished as pending: a read before its answer is committed is older', async () => {
  // Another process holds the write lock while the app answers (a prune, an import): listen keeps the answer in memory.
  const store = Store.open(dbPath, { lockWaitMs: 0 });
  const listen = listenWith(store);
  const locker = new Database(dbPath);
  cleanups.push(() => locker.close());
  onRequest = () => locker.exec('BEGIN IMMEDIATE');
  const summary = await listen.forward('/hook');
  expect(summary).toMatchObject({ state: 'complete', status: 200 });
  expect(store.writes.backlog).toBeGreaterThan(0);
  // The other process commits: the row it reads back now is still the pending one.
  locker.exec(`INSERT OR REPLACE INTO counters (name, value) VALUES ('other', 1)`);
  locker.exec('COMMIT');
  expect(store.summary(summary.id)?.state).toBe('pending');
  poll();
  // Before: published pending here, until the held answer was written.
  expect(listen.published).toEqual([summary]);

  expect(store.unwritten()).toBeUndefined();
  poll();
  expect(listen.published.map((e) => e.state)).toEqual(['complete']);
  expect(store.summary(summary.id)).toMatchObject({ state: 'complete', status: 200 });
});
