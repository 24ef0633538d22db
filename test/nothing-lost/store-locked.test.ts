// Chaos: another process holds the capture database's write lock (SQLITE_BUSY). Forwarding goes on; exchanges wait in
// memory and are written once the lock is gone. (The first write waits out busy_timeout, 5 s, before giving up.)

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, startRelay } from './helpers.js';

describe('a locked store', () => {
  it('keeps forwarding, holds the exchanges in memory, and writes them when the lock is released', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db], h.env);

    const locker = new Database(h.db);
    onCleanup(() => locker.open && locker.close());
    locker.exec('BEGIN EXCLUSIVE');
    for (let i = 0; i < 3; i++) expect((await send(`${cli.url}/locked/${i}`, { body: String(i) })).status).toBe(200);
    expect(app.received).toHaveLength(3);
    expect(cli.events.filter((e) => e.type === 'store')).toMatchObject([{ state: 'buffering', message: expect.stringMatching(/locked/) }]);
    expect(cli.child.exitCode).toBeNull();

    locker.exec('COMMIT');
    locker.close();
    await waitFor(() => cli.events.some((e) => e.type === 'store' && e.state === 'recovered'), 'the store to recover', 15_000);
    const store = Store.open(h.db);
    try {
      expect(store.list({ limit: 10, oldestFirst: true }).map((e) => [e.path, e.state, e.status])).toEqual([
        ['/locked/0', 'complete', 200],
        ['/locked/1', 'complete', 200],
        ['/locked/2', 'complete', 200],
      ]);
    } finally {
      store.close();
    }
    await cli.stop();
  });
});
