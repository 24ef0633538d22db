// Chaos: another process holds the capture database's write lock (a long `hooktunnel import`, a `prune --vacuum`) while
// a retry falls due. The delivery worker's claim used to wait out busy_timeout (5 s) on listen's only thread at every
// recheck, holding back the webhooks behind it, and then reported the lock as a recording failure. Now the claim does
// not wait: the retry stays due, webhooks are forwarded, and the retry goes out once the lock is gone.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/forward/target.js';
import { Store } from '../../src/store/store.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, startRelay } from './helpers.js';

describe('a retry due while another process holds the store', () => {
  it('waits for the lock without blocking listen: webhooks are forwarded meanwhile, the retry goes out after', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    let failNext = true;
    const app = await startLocalApp((req, res) => {
      const fail = req.url === '/queued' && failNext;
      if (fail) failNext = false;
      res.writeHead(fail ? 503 : 200).end();
    });
    onCleanup(() => app.close());
    const atApp = (path: string) => app.received.filter((r) => r.url === path).length;

    // An acknowledged delivery from an earlier run, due now: listen's first attempt gets 503, the retry is due 1 s later.
    const store = Store.open(h.db);
    store.begin({
      deliveryId: 'd-1',
      replayOf: null,
      url: 'http://relay/t/x/queued',
      target: parseTarget(String(app.port)).url,
      receivedAt: Date.now(),
      method: 'POST',
      path: '/queued',
      headers: [['Content-Type', 'text/plain']],
      body: Buffer.from('queued'),
      queued: { reason: 'ack', senderStatus: 200, senderBody: Buffer.from('{"received":true}'), lateByMs: null },
      maxAttempts: 3,
      nextAttemptAt: Date.now(),
    });
    store.close();
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--retry-base', '1s'], h.env);
    await cli.waitForRequest((e) => e.path === '/queued' && e.status === 503, 'the first attempt to fail');

    const locker = new Database(h.db);
    onCleanup(() => locker.open && locker.close());
    locker.exec('BEGIN IMMEDIATE');
    // Nobody can claim it while the lock is held: the retry is still to come.
    expect(locker.prepare(`SELECT lease_pid, next_attempt_at IS NOT NULL AS scheduled FROM exchanges WHERE path = '/queued'`).get()).toEqual({ lease_pid: null, scheduled: 1 });

    // The write of /live gives up on the lock (listen waits LISTEN_LOCK_WAIT_MS at most, then holds writes in memory).
    expect((await send(`${cli.url}/live`, { body: 'live' })).status).toBe(200);
    expect(atApp('/live')).toBe(1);
    // The retry falls due with the lock still held; the old claim then held listen for busy_timeout (5 s) at every
    // recheck. Now the retry waits, forwarding does not.
    const due = locker.prepare(`SELECT next_attempt_at <= ? FROM exchanges WHERE path = '/queued'`).pluck();
    await waitFor(() => due.get(Date.now()) === 1, 'the retry to fall due');
    expect((await send(`${cli.url}/live`, { body: 'live again' })).status).toBe(200);
    expect(atApp('/live')).toBe(2);
    expect(atApp('/queued')).toBe(1);

    locker.exec('COMMIT');
    locker.close();
    await cli.waitForRequest((e) => e.path === '/queued' && e.status === 200, 'the retry once the lock is gone');
    expect(atApp('/queued')).toBe(2);
    // A lock is no failure: the only word of it is the recording's own 'store buffering' (for /live), no store-error.
    expect(cli.events.filter((e) => e.type === 'store-error')).toEqual([]);
    await waitFor(() => cli.events.some((e) => e.type === 'store' && e.state === 'recovered'), "/live's record written");
    expect(cli.events.filter((e) => e.type === 'store').map((e) => e.state)).toEqual(['buffering', 'recovered']);
    await cli.stop();
  }, 40_000);
});
