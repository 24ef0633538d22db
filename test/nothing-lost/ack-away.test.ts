// Acknowledge mode while the client is away: the relay keeps the client's --ack-status/--ack-body for its tunnel id
// (with the id's resume state, so a relay restart keeps them) and answers senders with them; the requests are delivered
// once when the client is back. A client that comes back without --ack makes the relay forget them.

import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, queuedRequests, requestEvents, startRelay } from './helpers.js';

const ACK_BODY = '{"accepted":"later","by":"ack-away"}';

describe('acknowledge mode with the client away', () => {
  it('answers with the client\'s ack status and body, across a relay restart, and delivers each request once on return', async () => {
    const h = home();
    let relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    // A random id (no --name): it comes back through the resume token, as the ack settings do.
    const args = [String(app.port), '--relay', relay.url, '--db', h.db, '--ack', '--ack-status', '201', '--ack-body', ACK_BODY];
    const first = await listen(args, h.env);
    await first.stop();

    const away = await send(`${first.url}/away/1`, { body: 'one', headers: ['Content-Type', 'text/plain'] });
    expect(away.status).toBe(201);
    expect(away.body.toString()).toBe(ACK_BODY);
    expect(away.headers['content-type']).toBe('application/json');
    expect(away.headers['x-hooktunnel-delivery']).toEqual(expect.any(String));

    // The settings are in the relay's state, not only in its memory.
    await relay.crash();
    relay = await startRelay(h.relayDir, h.env, relay.port);
    const afterRestart = await send(`${first.url}/away/2`, { body: 'two' });
    expect(afterRestart.status).toBe(201);
    expect(afterRestart.body.toString()).toBe(ACK_BODY);
    expect(afterRestart.headers['x-hooktunnel-delivery']).not.toBe(away.headers['x-hooktunnel-delivery']);

    const back = await listen(args, h.env);
    expect(back.url).toBe(first.url);
    await waitFor(() => requestEvents(back.events).filter((e) => e.status === 200).length >= 2, 'both queued requests delivered', 20_000);
    await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'every ACK at the relay');
    await back.stop();

    expect(app.received.map((r) => `${r.url} ${r.body.toString()}`)).toEqual(['/away/1 one', '/away/2 two']);
    const store = Store.open(h.db);
    try {
      const rows = store.list({ limit: 10, oldestFirst: true });
      expect(rows.map((r) => r.path)).toEqual(['/away/1', '/away/2']);
      for (const row of rows) {
        const exchange = store.get(row.id)!;
        expect(exchange.sender).toEqual({ reason: 'ack', status: 201 });
        expect(exchange.senderBody?.toString()).toBe(ACK_BODY);
        expect(exchange.status).toBe(200);
      }
    } finally {
      store.close();
    }
  });

  it('forgets the ack answer once the client comes back without --ack: senders get the relay\'s queued answer again', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const base = [String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'changed-mind'];
    const acking = await listen([...base, '--ack', '--ack-status', '200', '--ack-body', ACK_BODY], h.env);
    await acking.stop();
    const first = await send(`${acking.url}/a`, { body: 'a' });
    expect([first.status, first.body.toString()]).toEqual([200, ACK_BODY]);

    const plain = await listen(base, h.env);
    await waitFor(() => app.received.length === 1, 'the queued request delivered');
    await plain.stop();
    const second = await send(`${plain.url}/b`, { body: 'b' });
    expect([second.status, second.body.toString()]).toEqual([202, '{"queued":true}']);
  });
});
