import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { PRUNE_BATCH } from '../../src/store/prune.js';
import { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';

const homes: ReturnType<typeof tempHome>[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

const DAY = 86_400_000;

/** Ten complete exchanges received one a day, the last today; #3 has a 3 MB body (stored in chunks). */
function history(): Store {
  const home = tempHome();
  homes.push(home);
  const store = Store.open(home.db);
  const now = Date.now();
  for (let i = 0; i < 10; i++) {
    const start = { deliveryId: null, replayOf: null, url: null, target: 'http://localhost:3000', receivedAt: now - (9 - i) * DAY, method: 'POST', path: `/${i}`, headers: [] };
    const recording = store.begin(start);
    if (i === 2) {
      const big = randomBytes(3 * 1024 * 1024);
      for (let o = 0; o < big.length; o += 65_536) recording.appendRequestBody(big.subarray(o, o + 65_536));
      recording.endRequestBody();
    }
    recording.respond(200, []);
    recording.complete(1);
  }
  store.writes.commitBatch();
  return store;
}

const count = (store: Store, table: string) =>
  (store as unknown as { db: { prepare(s: string): { pluck(): { get(): number } } } }).db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

describe('prune', () => {
  it('finds the replays of a deleted exchange through an index, not by scanning every exchange per deleted row', () => {
    const store = history();
    const db = (store as unknown as { db: { prepare(s: string): { all(...p: unknown[]): { detail: string }[] } } }).db;
    // The ON DELETE SET NULL of replay_of is part of the DELETE's plan; a SCAN there runs once per pruned exchange.
    const plan = db.prepare('EXPLAIN QUERY PLAN DELETE FROM exchanges WHERE id = ?').all(1).map((step) => step.detail);
    expect(plan).toContain('SEARCH exchanges USING COVERING INDEX exchanges_replays (replay_of=?)');
    expect(plan.filter((detail) => detail.startsWith('SCAN'))).toEqual([]);
    store.close();
  });

  it('deletes in batches of PRUNE_BATCH, each committed, and pauses after each with the write lock free', async () => {
    const home = tempHome();
    homes.push(home);
    const store = Store.open(home.db);
    const total = 2 * PRUNE_BATCH + 1;
    for (let i = 0; i < total; i++) {
      const recording = store.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://localhost:3000', receivedAt: i, method: 'POST', path: `/${i}`, headers: [], body: Buffer.from('x') });
      recording.complete(1);
    }
    store.writes.commitBatch();
    // Another process, as listen is while `hooktunnel prune` runs: it must be able to write at every pause.
    const other = new Database(home.db);
    other.pragma('busy_timeout = 0');
    const remainingAtPauses: number[] = [];
    const deleted = await store.prune({ keep: 0 }, async () => {
      other.prepare(`INSERT INTO counters (name, value) VALUES ('written-between-batches', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1`).run();
      remainingAtPauses.push(other.prepare('SELECT count(*) FROM exchanges').pluck().get() as number);
    });
    expect(deleted).toBe(total);
    expect(remainingAtPauses).toEqual([total - PRUNE_BATCH, total - 2 * PRUNE_BATCH, 0]);
    expect(other.prepare(`SELECT value FROM counters WHERE name = 'written-between-batches'`).pluck().get()).toBe(3);
    other.close();
    store.close();
  });

  it('stops between batches when the store is closed meanwhile (listen stopping during its --keep prune)', async () => {
    const store = history();
    const deleted = await store.prune({ keep: 0 }, async () => store.close());
    expect(deleted).toBe(10);
  });

  it('--older-than deletes exchanges received before the cutoff, with their body chunks', async () => {
    const store = history();
    expect(count(store, 'body_chunks')).toBeGreaterThan(0);
    expect(await store.prune({ before: Date.now() - 7.5 * DAY })).toBe(2);
    expect(store.list({ limit: 100, oldestFirst: true }).map((e) => e.path)).toEqual(['/2', '/3', '/4', '/5', '/6', '/7', '/8', '/9']);
    expect(await store.prune({ before: Date.now() - 6.5 * DAY, vacuum: true })).toBe(1);
    expect(count(store, 'body_chunks')).toBe(0);
    store.close();
  });

  it('--keep keeps the newest n (0 keeps none), and never deletes an exchange with an attempt pending', async () => {
    const store = history();
    const pending = store.list({ limit: 1, oldestFirst: true })[0].id;
    (store as unknown as { db: { prepare(s: string): { run(...a: unknown[]): void } } }).db
      .prepare('UPDATE exchanges SET next_attempt_at = 1, max_attempts = 8 WHERE id = ?')
      .run(pending);
    expect(await store.prune({ keep: 3 })).toBe(6);
    expect(store.list({ limit: 100, oldestFirst: true }).map((e) => e.path)).toEqual(['/0', '/7', '/8', '/9']);
    expect(await store.prune({ keep: 100 })).toBe(0);
    expect(await store.prune({ keep: 0 })).toBe(3);
    expect(store.list({ limit: 100 }).map((e) => e.id)).toEqual([pending]);
    store.close();
  });

  it.each([
    ['--older-than 7.5d', { before: Date.now() - 7.5 * DAY }, 2],
    ['--keep 3', { keep: 3 }, 7],
    ['--keep 0', { keep: 0 }, 10],
    ['--keep 100', { keep: 100 }, 0],
    ['either rule', { before: Date.now() - 8.5 * DAY, keep: 8 }, 2],
    ['no rule', {}, 0],
  ])('planPrune counts what %s deletes, without deleting', async (_name, rule, deletes) => {
    const store = history();
    expect(store.planPrune(rule)).toEqual({ deletes, total: 10 });
    expect(store.list({ limit: 100 })).toHaveLength(10);
    expect(await store.prune(rule)).toBe(deletes);
    store.close();
  });
});
