// Drain (SIGTERM on a real `hooktunnel relay` process): a request that arrives for a connected tunnel while an
// in-flight one finishes is queued (202, delivered once, also across the restart) where the durable queue can take it,
// and refused 503 with Retry-After where it cannot (queue full, or a relay without a queue).

import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, queuedRequests, requestEvents, startRelay } from './helpers.js';

/** A relay process with a `listen` connected to an app that holds /slow; SIGTERM sent while one /slow is in flight. */
async function drainingWithOneInFlight(relayArgs: string[] = []) {
  const h = home();
  const relay = await startRelay(h.relayDir, h.env, 0, relayArgs);
  const held: ServerResponse[] = [];
  const app = await startLocalApp((req, res) => {
    if (req.url!.startsWith('/slow')) held.push(res);
    else res.writeHead(200, { 'Content-Type': 'text/plain' }).end('app got it');
  });
  onCleanup(() => app.close());
  const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'drainy'], h.env);
  const inFlight = send(`${cli.url}/slow`, { body: 'in flight' });
  await waitFor(() => held.length === 1, 'the in-flight request at the app');
  const exited = new Promise<number | null>((resolve) => relay.child.once('exit', resolve));
  relay.child.kill('SIGTERM');
  await waitFor(() => relay.stderr().includes('SIGTERM: draining'), 'the relay to start draining');
  return { h, relay, app, cli, held, inFlight, exited };
}

describe('a relay draining (SIGTERM)', () => {
  it('queues a new request for a connected tunnel (202) and delivers it once, while the in-flight one finishes', async () => {
    const { h, relay, app, cli, held, inFlight, exited } = await drainingWithOneInFlight();

    const during = await send(`${cli.url}/during-drain`, { body: 'sent during the drain', headers: ['Accept', 'application/json'] });
    expect(during.status).toBe(202);
    expect(during.body.toString()).toBe('{"queued":true}');
    const deliveryId = String(during.headers['x-hooktunnel-delivery']);
    expect(deliveryId).not.toBe('undefined');
    expect(during.headers['x-hooktunnel-error']).toBeUndefined();

    held[0].writeHead(200).end('finished');
    const finished = await inFlight;
    expect([finished.status, finished.body.toString()]).toEqual([200, 'finished']);
    expect(await exited).toBe(0);

    // Delivered during the drain, or (if the relay stopped before the ACK) by the relay's next run: once either way.
    const next = await startRelay(h.relayDir, h.env, relay.port);
    await waitFor(() => cli.events.filter((e) => e.type === 'ready').length === 2, 'the client back on the restarted relay', 20_000);
    await waitFor(() => requestEvents(cli.events).some((e) => e.path === '/during-drain' && e.status === 200), 'the queued request delivered');
    await waitFor(async () => (await queuedRequests(next.url)) === 0, 'its ACK');
    await cli.stop();

    expect(app.received.filter((r) => r.url === '/during-drain').map((r) => r.body.toString())).toEqual(['sent during the drain']);
    const store = Store.open(h.db);
    try {
      const rows = store.list({ limit: 10, oldestFirst: true }).filter((r) => r.path === '/during-drain');
      expect(rows).toHaveLength(1);
      expect(rows[0].deliveryId).toBe(deliveryId);
      expect(store.get(rows[0].id)!.sender).toEqual({ reason: 'offline', status: 202 });
    } finally {
      store.close();
    }
  });

  it('answers 503 queue_full with Retry-After when the queue cannot take the request', async () => {
    const { held, cli, inFlight } = await drainingWithOneInFlight(['--queue-max-bytes', '16']);
    const refused = await send(`${cli.url}/too-big-for-the-queue`, { body: 'x'.repeat(17), headers: ['Accept', 'application/json'] });
    expect(refused.status).toBe(503);
    expect(refused.headers['x-hooktunnel-error']).toBe('queue_full');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const fits = await send(`${cli.url}/fits`, { body: 'x'.repeat(16) });
    expect(fits.status).toBe(202);
    held[0].end('done');
    expect((await inFlight).status).toBe(200);
  });

  it('answers 503 relay_draining with Retry-After on a relay without a queue', async () => {
    const { held, cli, inFlight } = await drainingWithOneInFlight(['--no-queue']);
    const refused = await send(`${cli.url}/new`, { body: 'late', headers: ['Accept', 'application/json'] });
    expect(refused.status).toBe(503);
    expect(refused.headers['x-hooktunnel-error']).toBe('relay_draining');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    held[0].end('done');
    expect((await inFlight).status).toBe(200);
  });
});
