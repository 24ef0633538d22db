// Chaos: another process holds the capture database's write lock (SQLITE_BUSY). Forwarding goes on; exchanges wait in
// memory and are written once the lock is gone. (listen waits LISTEN_LOCK_WAIT_MS, 100 ms, before giving up.)
// A queued delivery forwarded from memory meanwhile is not ACKed until it is recorded: if the tunnel drops before
// that, the relay sends it again, and the CLI must recognise it instead of handing it to the app a second time.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { freePort, send, startLocalApp, waitFor } from '../helpers/http.js';
import { startCuttingProxy } from './cutting-proxy.js';
import { home, listen, onCleanup, queuedRequests, startRelay } from './helpers.js';

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

  it('does not hand a queued delivery to the app twice when the tunnel drops before it could be recorded and ACKed', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const proxy = await startCuttingProxy(relay.port);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const cli = await listen([String(app.port), '--relay', proxy.url, '--db', h.db, '--name', 'held', '--ack'], h.env);
    const hook = (name: string) => send(`${relay.url}/t/held/${name}`, { body: name });
    const atApp = (path: string) => app.received.filter((r) => r.url === path).length;

    const locker = new Database(h.db);
    onCleanup(() => locker.open && locker.close());
    locker.exec('BEGIN EXCLUSIVE');
    // The first write finds the lock and gives up after busy_timeout; from then on the store is known to be down.
    expect((await hook('first')).status).toBe(200);
    await waitFor(() => cli.events.some((e) => e.type === 'store' && e.state === 'buffering'), 'the store to be found locked', 15_000);
    expect((await hook('held')).status).toBe(200);
    await waitFor(() => atApp('/held') === 1, 'the delivery forwarded from memory');

    proxy.cutNow('reset');
    await waitFor(() => cli.events.filter((e) => e.type === 'status' && e.state === 'online').length >= 2, 'the CLI to reconnect');
    // Queued deliveries are taken in order: once this one reaches the app, the redeliveries before it were handled.
    expect((await hook('after')).status).toBe(200);
    await waitFor(() => atApp('/after') === 1, 'a later delivery');
    expect(atApp('/held')).toBe(1);

    locker.exec('COMMIT');
    locker.close();
    await waitFor(() => atApp('/first') === 1, 'the first delivery, once its record is in', 15_000);
    await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'every ACK at the relay', 15_000);
    expect(app.received.map((r) => r.url).sort()).toEqual(['/after', '/first', '/held']);
    const store = Store.open(h.db);
    try {
      expect(store.list({ limit: 10, oldestFirst: true }).map((e) => e.path).sort()).toEqual(['/after', '/first', '/held']);
    } finally {
      store.close();
    }
    await cli.stop();
  });

  it('retries a queued delivery whose one attempt from memory failed (app down), once its record is written', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const port = await freePort();
    const cli = await listen([String(port), '--relay', relay.url, '--db', h.db, '--name', 'down', '--ack', '--retry-base', '1s'], h.env);

    const locker = new Database(h.db);
    onCleanup(() => locker.open && locker.close());
    locker.exec('BEGIN EXCLUSIVE');
    expect((await send(`${cli.url}/first`, { body: 'first' })).status).toBe(200);
    await waitFor(() => cli.events.some((e) => e.type === 'store' && e.state === 'buffering'), 'the store to be found locked', 15_000);
    // Acknowledged (the sender got 200), then one attempt from memory while the store is locked: the app is down.
    expect((await send(`${cli.url}/held`, { body: 'held' })).status).toBe(200);
    await cli.waitForRequest((e) => e.path === '/held' && e.state === 'failed', 'the attempt from memory to fail');

    const app = await startLocalApp(undefined, '127.0.0.1', port);
    onCleanup(() => app.close());
    locker.exec('COMMIT');
    locker.close();
    await waitFor(() => app.received.some((r) => r.url === '/held'), 'the acknowledged request to be retried', 20_000);
    await waitFor(() => app.received.some((r) => r.url === '/first'), 'the first one too', 20_000);
    const store = Store.open(h.db);
    try {
      const held = await waitFor(() => store.list({ limit: 10 }).find((e) => e.path === '/held' && e.status === 200)?.id, 'its answer recorded');
      expect(store.get(held)?.attemptHistory?.map((a) => [a.attempt, a.status])).toEqual([
        [1, 502],
        [2, 200],
      ]);
    } finally {
      store.close();
    }
    expect(app.received.filter((r) => r.url === '/held')).toHaveLength(1);
    await cli.stop();
  }, 40_000);

  it('lets listen start while the lock is held, and says at exit what it could not record, exiting 1', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    // An empty store first, so the lock is taken on a file listen then opens as it finds it.
    Store.open(h.db).close();
    const locker = new Database(h.db);
    onCleanup(() => locker.open && locker.close());
    locker.exec('BEGIN IMMEDIATE');

    // Marking an earlier run's leftovers interrupted is a write: it waits out busy_timeout, then listen goes on.
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'locked-at-start'], h.env);
    expect((await send(`${cli.url}/while-locked`, { body: 'x' })).status).toBe(200);
    await waitFor(() => cli.events.some((e) => e.type === 'store' && e.state === 'buffering'), 'the store to be found locked', 15_000);
    // Lost with the process, and said so, with exit status 1 as trigger or replay would: a script's export lacks them.
    expect(await cli.stop()).toBe(1);
    const message = 'exchanges held in memory could not be recorded before exit: database is locked';
    expect(cli.events.at(-1)).toMatchObject({ type: 'error', code: 'not_recorded', message });
    expect(JSON.parse(cli.stderr().trim().split('\n').at(-1)!)).toMatchObject({ error: { code: 'not_recorded', message } });
    expect(app.received.map((r) => r.url)).toEqual(['/while-locked']);
  }, 30_000);
});
