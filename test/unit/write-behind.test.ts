// A full database (SQLITE_FULL, made real with max_page_count) must not lose exchanges: they wait in memory, bounded,
// and are written when it has room again; beyond the bound they are dropped and counted.

import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { isTransientStoreError, WriteBehind } from '../../src/store/write-behind.js';
import { tempHome } from '../helpers/cli.js';

const homes: ReturnType<typeof tempHome>[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

type Db = { pragma(s: string, o?: object): unknown };
const dbOf = (store: Store) => (store as unknown as { db: Db }).db;

function fullStore(limits?: { maxExchanges: number; maxBytes: number }) {
  const home = tempHome();
  homes.push(home);
  const store = Store.open(home.db, { bufferLimits: limits });
  const db = dbOf(store);
  const pages = db.pragma('page_count', { simple: true }) as number;
  return {
    store,
    fill: () => db.pragma(`max_page_count = ${pages}`),
    makeRoom: () => db.pragma('max_page_count = 1073741823'),
  };
}

const record = (store: Store, n: number, size = 64 * 1024) => {
  const recording = store.begin({
    deliveryId: `d${n}`,
    replayOf: null,
    url: null,
    target: 'http://localhost:3000',
    receivedAt: Date.now(),
    method: 'POST',
    path: `/${n}`,
    headers: [],
    body: Buffer.alloc(size, n),
  });
  recording.respond(200, [['X', String(n)]]);
  recording.appendResponseBody(Buffer.from(`ok ${n}`));
  recording.complete(1);
  return recording;
};

describe('write-behind', () => {
  it('holds exchanges while the disk is full and writes them, in order, when it has room', () => {
    const { store, fill, makeRoom } = fullStore();
    const events: string[] = [];
    store.writes.on('buffering', (error) => events.push(`buffering ${(error as { code?: string }).code}`));
    store.writes.on('recovered', () => events.push('recovered'));
    fill();
    const committed: number[] = [];
    for (let n = 0; n < 5; n++) record(store, n).onCommitted(() => committed.push(n));
    // The turn's batch fails as a whole and is held.
    store.writes.commitBatch();
    expect(events).toEqual(['buffering SQLITE_FULL']);
    expect(store.writes.backlog).toBeGreaterThan(0);
    expect(committed).toEqual([]);

    makeRoom();
    expect(store.writes.flush()).toBe(true);
    expect(events).toEqual(['buffering SQLITE_FULL', 'recovered']);
    expect(committed).toEqual([0, 1, 2, 3, 4]);
    const rows = store.list({ limit: 10, oldestFirst: true });
    expect(rows.map((r) => [r.path, r.state, r.status])).toEqual([0, 1, 2, 3, 4].map((n) => [`/${n}`, 'complete', 200]));
    expect(store.get(rows[4].id)!.responseBody!.toString()).toBe('ok 4');
    store.close();
  });

  it('drops whole exchanges past the bound, counts them, and keeps the count in the database', () => {
    const { store, fill, makeRoom } = fullStore({ maxExchanges: 2, maxBytes: 1024 * 1024 });
    const drops: number[] = [];
    store.writes.on('dropped', (total) => drops.push(total));
    fill();
    for (let n = 0; n < 4; n++) record(store, n);
    store.writes.commitBatch();
    expect(drops).toEqual([1, 2]);
    makeRoom();
    store.writes.flush();
    expect(store.list({ limit: 10, oldestFirst: true }).map((r) => r.path)).toEqual(['/0', '/1']);
    expect(store.droppedTotal()).toBe(2);
    const path = store.path;
    store.close();
    const reopened = Store.open(path);
    expect(reopened.droppedTotal()).toBe(2);
    reopened.close();
  });

  it('reports errors that are not about room or locks, without holding the writes', () => {
    const writes = new WriteBehind();
    const failures: Error[] = [];
    writes.on('failed', (error) => failures.push(error));
    const bug = Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    writes.run({}, 1, () => {
      throw bug;
    });
    writes.commitBatch();
    expect(failures).toEqual([bug]);
    expect(writes.backlog).toBe(0);
    expect(isTransientStoreError(Object.assign(new Error('locked'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isTransientStoreError(new Error('plain'))).toBe(false);
  });
});
