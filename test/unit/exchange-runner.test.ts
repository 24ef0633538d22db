// runExchange when the tunnel drops mid-body: the record must never pass for whole (a redelivery of the same delivery
// id would then be taken as already delivered, and dropped).

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runExchange } from '../../src/exchange-runner.js';
import { Forwarder } from '../../src/forward/forwarder.js';
import { parseTarget } from '../../src/forward/target.js';
import { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { startLocalApp, waitFor, type LocalApp } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';

async function setup() {
  const home = tempHome();
  onCleanup(home.cleanup);
  const store = Store.open(home.db);
  onCleanup(() => store.close());
  const app: LocalApp = await startLocalApp();
  onCleanup(() => app.close());
  const forwarder = new Forwarder(parseTarget(String(app.port)), { timeoutMs: 5_000, hostHeader: 'rewrite' });
  onCleanup(() => forwarder.close());
  return { store, app, forwarder };
}

const input = (body: Buffer | Readable) => ({
  method: 'POST',
  path: '/hook',
  headers: [['Content-Type', 'application/octet-stream']] as [string, string][],
  body,
  deliveryId: 'delivery-1',
  url: 'http://relay/t/x/hook',
  receivedAt: Date.now(),
  replayOf: null,
});

describe('an exchange cut off mid-body', () => {
  it('is recorded as incomplete, without a SHA-256, and says how much arrived', async () => {
    const { store, app, forwarder } = await setup();
    const body = new Readable({ read() {} });
    const running = runExchange(input(body), { forwarder, store });
    body.push(Buffer.alloc(3_000, 1));
    await waitFor(() => store.deliveryState('delivery-1'), 'the row');
    // The tunnel dropped: the relay's cancel comes before the body stream's own error (it is emitted a tick later).
    running.cancel('tunnel_disconnected', 'the tunnel connection dropped');
    body.destroy(new Error('the tunnel connection dropped'));
    const summary = await running.done;

    expect(summary).toMatchObject({ state: 'failed', errorCode: 'tunnel_disconnected', requestIncomplete: true });
    expect(summary.errorMessage).toMatch(/after 3000 bytes of the request body; the local app did not get it whole/);
    expect(store.deliveryState('delivery-1')).toMatchObject({ whole: false });
    const row = store.get(summary.id)!;
    expect(row).toMatchObject({ requestSha256: null, requestIncomplete: true });
    expect(app.received).toEqual([]);
  });

  it('a whole body that the app answered is whole', async () => {
    const { store, app, forwarder } = await setup();
    const summary = await runExchange(input(Buffer.from('whole')), { forwarder, store }).done;
    expect(summary.requestIncomplete).toBeUndefined();
    expect(store.deliveryState('delivery-1')).toMatchObject({ whole: true });
    expect(app.received.map((r) => r.body.toString())).toEqual(['whole']);
  });
});
