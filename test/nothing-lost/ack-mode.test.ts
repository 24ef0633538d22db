// Chaos: acknowledge mode while the local app is down. Senders hear 200 at once; the CLI retries with backoff
// (a short --retry-base so the test waits on events, not on seconds); once the app is back every request is delivered
// once, and each exchange keeps its attempt history and what the sender was told.

import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { freePort, send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, queuedRequests, requestEvents, startRelay } from './helpers.js';


describe('acknowledge mode with the local app down', () => {
  it('answers senders 200 at once, retries until the app is back, delivers each once with its attempt history', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const port = await freePort();
    const cli = await listen([String(port), '--relay', relay.url, '--db', h.db, '--ack', '--retry-base', '50ms', '--max-attempts', '12'], h.env);

    const count = 10;
    for (let i = 0; i < count; i++) {
      const reply = await send(`${cli.url}/events/${i}`, { body: `{"n":${i}}`, headers: ['Content-Type', 'application/json'] });
      expect(reply.status).toBe(200);
      expect(reply.body.toString()).toBe('{"received":true}');
    }
    // Every request has failed at least three times (app down), and the relay has forgotten them all (committed).
    const failures = (id: unknown) => requestEvents(cli.events).filter((e) => e.id === id && e.status === 502).length;
    await waitFor(() => {
      const ids = new Set(requestEvents(cli.events).map((e) => e.id));
      return ids.size === count && [...ids].every((id) => failures(id) >= 3);
    }, 'three failed attempts each');
    await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'every ACK at the relay');

    const app = await startLocalApp(undefined, '127.0.0.1', port);
    onCleanup(() => app.close());
    await waitFor(() => app.received.length >= count, 'every request at the app once it is back', 20_000);
    await waitFor(() => requestEvents(cli.events).filter((e) => e.status === 200).length >= count, 'every exchange complete');

    expect(app.received.map((r) => r.url).sort()).toEqual(Array.from({ length: count }, (_, i) => `/events/${i}`).sort());
    const store = Store.open(h.db);
    try {
      const rows = store.list({ limit: 100, oldestFirst: true });
      expect(rows).toHaveLength(count);
      for (const row of rows) {
        const exchange = store.get(row.id)!;
        expect(exchange.status).toBe(200);
        expect(exchange.sender).toEqual({ reason: 'ack', status: 200 });
        expect(exchange.senderBody?.toString()).toBe('{"received":true}');
        expect(exchange.nextAttemptAt).toBeUndefined();
        const history = exchange.attemptHistory!;
        expect(history.length).toBeGreaterThanOrEqual(4);
        expect(history.slice(0, -1).every((a) => a.errorCode === 'local_unreachable')).toBe(true);
        expect(history.at(-1)).toMatchObject({ status: 200, errorCode: null, trigger: 'auto' });
        expect(history.map((a) => a.attempt)).toEqual(history.map((_, i) => i + 1));
      }
    } finally {
      store.close();
    }
    await cli.stop();
  });

  it('keeps pending retries in the store: a listen killed and started again delivers them', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const port = await freePort();
    const args = [String(port), '--relay', relay.url, '--db', h.db, '--ack', '--retry-base', '200ms', '--name', 'retries'];
    const first = await listen(args, h.env);
    for (let i = 0; i < 3; i++) expect((await send(`${first.url}/r/${i}`, { body: String(i) })).status).toBe(200);
    await waitFor(() => new Set(requestEvents(first.events).map((e) => e.id)).size === 3, 'a failed first attempt each');
    await first.kill();

    const app = await startLocalApp(undefined, '127.0.0.1', port);
    onCleanup(() => app.close());
    const second = await listen(args, h.env);
    // Printed right after the ready line, but it may reach the pipe in the next chunk.
    expect(await waitFor(() => second.events.find((e) => e.type === 'pending'), 'the pending count')).toEqual({ type: 'pending', count: 3 });
    await waitFor(() => requestEvents(second.events).filter((e) => e.status === 200).length === 3, 'the retries to succeed');
    expect(app.received.map((r) => r.url).sort()).toEqual(['/r/0', '/r/1', '/r/2']);
    const store = Store.open(h.db);
    try {
      for (const { id } of store.list({ limit: 10 })) {
        expect(store.get(id)!.attemptHistory!.map((a) => a.status)).toEqual([...Array(store.get(id)!.attemptHistory!.length - 1).fill(502), 200]);
      }
    } finally {
      store.close();
    }
    await second.stop();
  });
});
