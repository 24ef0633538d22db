import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { LISTEN_LOCK_WAIT_MS } from '../../src/store/without-waiting.js';
import { tempHome } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';

const home = tempHome();
afterAll(() => home.cleanup());

/** busy_timeout as a recording commit of this store runs with it: how long it can sleep on another process's lock. */
function commitWait(store: Store): number {
  const db = (store as unknown as { db: Database.Database }).db;
  let seen = -1;
  store.writes.run({}, 0, () => (seen = db.pragma('busy_timeout', { simple: true }) as number));
  store.writes.commitBatch();
  return seen;
}

describe("listen's recording commits and another process's write lock", () => {
  // listen forwards on the thread that commits: a `prune --vacuum` holding the lock for 4.3 s stalled webhooks 5.4 s.
  it('wait at most LISTEN_LOCK_WAIT_MS in listen; other commands keep the whole busy_timeout', () => {
    const listenStore = Store.open(`${home.dir}/listen.db`, { lockWaitMs: LISTEN_LOCK_WAIT_MS });
    expect(commitWait(listenStore)).toBe(LISTEN_LOCK_WAIT_MS);
    listenStore.close();
    const commandStore = Store.open(`${home.dir}/command.db`);
    expect(commitWait(commandStore)).toBe(5_000);
    commandStore.close();
  });

  it('hold what they could not write in memory, and write it once the lock is gone', () => {
    const file = `${home.dir}/locked.db`;
    const store = Store.open(file, { lockWaitMs: LISTEN_LOCK_WAIT_MS });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    store.begin(exchangeStart({ path: '/while-locked', body: Buffer.from('x') })).complete(1);
    store.writes.commitBatch();
    expect(store.writes.backlog).toBeGreaterThan(0);
    other.exec('COMMIT');
    other.close();
    expect(store.unwritten()).toBeUndefined();
    expect(store.list({ limit: 1 })[0].path).toBe('/while-locked');
    store.close();
  });
});
