// Chaos: a retry falls due while the capture database cannot take writes (a full disk fails every write at once). The
// delivery worker must pause and try again later, not spin: it used to retry the due attempt in a busy loop, thousands
// of store errors a second (each a `store-error` line), and a locked store blocked the event loop on every try.

import { describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../../src/delivery/delivery-worker.js';
import { Forwarder } from '../../src/forward/forwarder.js';
import { parseTarget } from '../../src/forward/target.js';
import { Store } from '../../src/store/store.js';
import { startLocalApp, waitFor } from '../helpers/http.js';
import { home, onCleanup } from './helpers.js';

describe('a store that fails while a delivery is due', () => {
  it('pauses the delivery worker instead of retrying in a busy loop, and delivers once the store is back', async () => {
    const h = home();
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const target = parseTarget(String(app.port));
    const store = Store.open(h.db);
    onCleanup(() => store.close());
    const forwarder = new Forwarder(target, { timeoutMs: 5_000, hostHeader: 'rewrite' });
    onCleanup(() => forwarder.close());

    // An acknowledged request, recorded and due now.
    const recording = store.begin({
      deliveryId: 'd-1',
      replayOf: null,
      url: 'http://relay/t/x/hook',
      target: target.url,
      receivedAt: Date.now(),
      method: 'POST',
      path: '/hook',
      headers: [['Content-Type', 'text/plain']],
      body: Buffer.from('payload'),
      queued: { reason: 'ack', senderStatus: 200, senderBody: Buffer.from('{"received":true}'), lateByMs: null },
      maxAttempts: 3,
      nextAttemptAt: Date.now(),
    });
    expect(recording.id).toBeGreaterThan(0);

    // The disk fills up: SQLite refuses the claim's UPDATE at once, as it does on a full disk.
    let full = true;
    const claim = store.deliveries.claim.bind(store.deliveries);
    store.deliveries.claim = (...args) => {
      if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return claim(...args);
    };

    const errors: number[] = [];
    // Its recheck shortened from 5 s to 100 ms, so the test runs in a moment; a busy loop makes thousands of tries in that.
    const worker = new DeliveryWorker({ store, forwarder, schedule: () => 1_000, timeoutMs: 5_000 }, target.url, 100);
    onCleanup(() => worker.close());
    worker.on('storeError', () => errors.push(Date.now()));
    worker.start();

    await waitFor(() => errors.length >= 2, 'the worker to try the store again');
    // Paused for its recheck interval between tries, not a busy loop.
    expect(errors[1] - errors[0]).toBeGreaterThanOrEqual(90);

    full = false;
    await waitFor(() => app.received.length === 1, 'the delivery once the store takes writes again');
    expect(app.received[0].body.toString()).toBe('payload');
    await waitFor(() => store.get(recording.id)?.status === 200, 'its answer recorded');
  });
});
