// The attempt lease and the retry schedule in SQL: one claim wins, manual retries never double a pending automatic one.

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../../src/store/deliveries.js';
import { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';

const homes: ReturnType<typeof tempHome>[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

function freshStore(): Store {
  const home = tempHome();
  homes.push(home);
  return Store.open(home.db);
}

const queuedStart = (overrides = {}) => ({
  deliveryId: `d-${Math.random()}`,
  replayOf: null,
  url: 'http://relay/t/x/hook',
  target: 'http://localhost:3000',
  receivedAt: 1_000,
  method: 'POST',
  path: '/hook',
  headers: [] as [string, string][],
  body: Buffer.from('{}'),
  queued: { reason: 'ack' as const, senderStatus: 200, senderBody: Buffer.from('{"received":true}'), lateByMs: null },
  maxAttempts: 3,
  nextAttemptAt: 5_000,
  ...overrides,
});

const failure = { startedAt: 6_000, trigger: 'auto' as const, status: 502, errorCode: 'local_unreachable', errorMessage: 'refused', durationMs: 1, retryable: true };
const success = { ...failure, status: 200, errorCode: null, errorMessage: null, retryable: false };
const doubling = (n: number) => 1_000 * 2 ** (n - 1);

describe('attempt leases', () => {
  it('lets exactly one of two claims run a due attempt, and none before it is due', () => {
    const store = freshStore();
    const { id } = store.begin(queuedStart());
    expect(store.deliveries.claim(id, 'auto', 60_000, 4_999).ok).toBe(false);
    expect(store.deliveries.due('http://localhost:3000', 10, 5_000)).toEqual([id]);
    expect(store.deliveries.claim(id, 'auto', 60_000, 5_000).ok).toBe(true);
    const second = store.deliveries.claim(id, 'auto', 60_000, 5_001);
    expect(second).toEqual({ exchangeId: id, ok: false, heldBy: process.pid });
    // hooktunnel retry may not start while the listener's attempt runs either.
    expect(store.deliveries.claim(id, 'manual', 60_000, 5_001).ok).toBe(false);
    expect(store.deliveries.due('http://localhost:3000', 10, 5_001)).toEqual([]);
    // A lease that ran out (its holder hung) is free again.
    expect(store.deliveries.claim(id, 'manual', 60_000, 65_001).ok).toBe(true);
    store.close();
  });

  it("gives an automatic claim up at once on another process's write lock, leaving the attempt due", () => {
    const store = freshStore();
    const { id } = store.begin(queuedStart());
    store.get(id); // commits this turn's writes: the row is in the file
    const locker = new Database(store.path);
    locker.exec('BEGIN IMMEDIATE');
    try {
      // Listen's worker runs on the event loop: waiting out busy_timeout there held back every webhook.
      expect(store.deliveries.claim(id, 'auto', 60_000, 5_000)).toEqual({ exchangeId: id, ok: false, busy: true });
    } finally {
      locker.exec('COMMIT');
      locker.close();
    }
    expect(store.deliveries.due('http://localhost:3000', 10, 5_000)).toEqual([id]);
    expect(store.deliveries.claim(id, 'auto', 60_000, 5_000).ok).toBe(true);
    store.close();
  });

  it('schedules retries with the backoff until max attempts, then gives up; a success ends them', () => {
    const store = freshStore();
    const { id } = store.begin(queuedStart());
    const settle = (outcome: typeof failure, now: number) => store.deliveries.settle(id, outcome, doubling, now);
    expect(settle(failure, 6_000)).toEqual({ attempt: 1, nextAttemptAt: 7_000, maxAttempts: 3, deliveredAfter: null });
    expect(settle(failure, 7_000)).toEqual({ attempt: 2, nextAttemptAt: 9_000, maxAttempts: 3, deliveredAfter: null });
    expect(settle(failure, 9_000)).toEqual({ attempt: 3, nextAttemptAt: null, maxAttempts: 3, deliveredAfter: null });
    expect(store.deliveries.history(id).map((a) => a.attempt)).toEqual([1, 2, 3]);

    const other = store.begin(queuedStart()).id;
    expect(store.deliveries.settle(other, success, doubling, 6_000)).toEqual({ attempt: 1, nextAttemptAt: null, maxAttempts: 3, deliveredAfter: null });
    expect(store.get(other)!.nextAttemptAt).toBeUndefined();
    store.close();
  });

  it('a manual retry takes the place of the pending automatic one instead of doubling it', () => {
    const store = freshStore();
    const { id } = store.begin(queuedStart({ nextAttemptAt: 50_000 }));
    expect(store.deliveries.claim(id, 'manual', 60_000, 6_000).ok).toBe(true);
    store.deliveries.settle(id, { ...success, trigger: 'manual' }, doubling, 6_100);
    expect(store.get(id)!.nextAttemptAt).toBeUndefined();
    expect(store.deliveries.due('http://localhost:3000', 10, 100_000)).toEqual([]);
    expect(store.deliveries.history(id)).toMatchObject([{ attempt: 1, trigger: 'manual', status: 200 }]);
    store.close();
  });

  it('makes an attempt whose process died due again, and leaves other exchanges of dead processes interrupted', () => {
    const store = freshStore();
    const queued = store.begin(queuedStart()).id;
    const live = store.begin(queuedStart({ queued: undefined, maxAttempts: undefined, nextAttemptAt: undefined })).id;
    expect(store.deliveries.claim(queued, 'auto', 60_000, 5_000).ok).toBe(true);
    const db = (store as unknown as { db: { prepare(s: string): { run(...a: unknown[]): void } } }).db;
    const deadPid = 2 ** 22 + 4321;
    db.prepare('UPDATE exchanges SET recorder_pid = ?, lease_pid = CASE WHEN lease_pid IS NULL THEN NULL ELSE ? END').run(deadPid, deadPid);
    expect(store.markInterrupted()).toBe(1);
    expect(store.get(live)!.state).toBe('interrupted');
    expect(store.get(queued)!.state).toBe('pending');
    expect(store.deliveries.due('http://localhost:3000', 10, Date.now())).toEqual([queued]);
    store.close();
  });
});

describe('delivery order', () => {
  /** Settles an attempt of `id` that started at `startedAt` with this outcome; returns what it was marked with. */
  const attempt = (store: Store, id: number, startedAt: number, outcome: AttemptOutcome) =>
    store.deliveries.settle(id, { ...outcome, startedAt }, doubling, startedAt + 1).deliveredAfter;
  const markOf = (store: Store, id: number) => store.get(id)!.deliveredAfter;

  it.each([
    // [what, B's start overrides, B's successful attempt start, A's success start, A marked after B?]
    ['a later delivery that reached the app first', {}, 7_000, 8_000, true],
    ['a later delivery that reached the app after A', {}, 9_000, 8_000, false],
    ['a replay of A (not a delivery)', { replayOf: 1, deliveryId: null }, 7_000, 8_000, false],
    ['a delivery to another target', { target: 'http://localhost:4000' }, 7_000, 8_000, false],
    ['an earlier-received delivery', { receivedAt: 500 }, 7_000, 8_000, false],
  ])('A retried past %s', (_what, bStart, bAt, aAt, marked) => {
    const store = freshStore();
    const a = store.begin(queuedStart()).id;
    const b = store.begin(queuedStart({ receivedAt: 2_000, ...bStart })).id;
    expect(attempt(store, a, 6_000, failure)).toBeNull();
    expect(attempt(store, b, bAt, success)).toBeNull();
    expect(attempt(store, a, aAt, success)).toBe(marked ? b : null);
    expect(markOf(store, a)).toBe(marked ? b : undefined);
    expect(markOf(store, b)).toBeUndefined();
    store.close();
  });

  it('counts a live delivery (no attempts) as reaching the app on arrival, and names the earliest-received overtaker', () => {
    const store = freshStore();
    const a = store.begin(queuedStart()).id;
    const live = (receivedAt: number) => {
      const recording = store.begin({ ...queuedStart({ receivedAt }), queued: undefined, maxAttempts: undefined, nextAttemptAt: undefined });
      recording.respond(200, []);
      recording.complete(1);
      return recording.id;
    };
    const c = live(3_000);
    const b = live(2_000);
    live(9_000); // arrived after A's successful attempt started: in order
    expect(attempt(store, a, 6_000, failure)).toBeNull();
    expect(attempt(store, a, 8_000, success)).toBe(b);
    expect(c).toBeLessThan(b); // recorded first, received later: order is by receipt, not by id
    store.close();
  });

  it('marks only the first success: a forced retry later does not move the mark', () => {
    const store = freshStore();
    const a = store.begin(queuedStart()).id;
    const b = store.begin(queuedStart({ receivedAt: 2_000 })).id;
    expect(attempt(store, a, 6_000, success)).toBeNull();
    expect(attempt(store, b, 7_000, success)).toBeNull();
    expect(attempt(store, a, 8_000, { ...success, trigger: 'manual' })).toBeNull();
    expect(markOf(store, a)).toBeUndefined();
    store.close();
  });
});

describe('adopting a live exchange the relay queued after its tunnel dropped', () => {
  const sender = { reason: 'offline' as const, senderStatus: 202, senderBody: Buffer.from('{"queued":true}') };

  it('gives a failed live delivery the retries of a queued one, once, with its live attempt counted first', () => {
    const store = freshStore();
    const live = store.begin(queuedStart({ queued: undefined, maxAttempts: undefined, nextAttemptAt: undefined }));
    live.fail(502, 'local_unreachable', 'refused', 1);
    expect(store.deliveries.due('http://localhost:3000', 10, 9_000)).toEqual([]);

    expect(store.deliveries.adopt(live.id, sender, 4, 9_000)).toBe(true);
    expect(store.deliveries.adopt(live.id, sender, 4, 9_001)).toBe(false);
    expect(store.deliveries.due('http://localhost:3000', 10, 9_000)).toEqual([live.id]);
    expect(store.get(live.id)).toMatchObject({ sender: { reason: 'offline', status: 202 }, maxAttempts: 4, nextAttemptAt: 9_000 });
    expect(store.get(live.id)!.senderBody?.toString()).toBe('{"queued":true}');
    store.close();
  });

  it('leaves a queued delivery, which has attempts of its own, alone', () => {
    const store = freshStore();
    const { id } = store.begin(queuedStart());
    expect(store.deliveries.adopt(id, sender, 8, 9_000)).toBe(false);
    expect(store.get(id)).toMatchObject({ maxAttempts: 3, nextAttemptAt: 5_000 });
    store.close();
  });
});
