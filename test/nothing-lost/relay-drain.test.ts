// Drain (SIGTERM on a real `hooktunnel relay` process): a request that arrives for a connected tunnel while an
// in-flight one finishes is queued (202, delivered once, also across the restart) where the durable queue can take it,
// and refused 503 with Retry-After where it cannot (queue full, or a relay without a queue); one still arriving when
// the drain ends is answered, not cut off.

import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { MessageType } from '../../src/protocol.js';
import { rawClient } from '../relay/helpers.js';
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
  it('answers a request still arriving when the drain ended (a proxy\'s kept-alive connection), instead of cutting it off', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    // A client that reads nothing more (so never answers the GOAWAY's close) keeps the relay in its last step, waiting
    // up to a second for its clients to leave, with the drain itself over (nothing was in flight).
    const stubborn = await rawClient(relay.url, { hello: { name: 'stubborn' } });
    await stubborn.next(MessageType.Welcome);
    (stubborn.ws as unknown as { _socket: Socket })._socket.pause();
    const exited = new Promise<number | null>((resolve) => relay.child.once('exit', resolve));
    relay.child.kill('SIGTERM');
    await waitFor(() => relay.stderr().includes('draining: 0 requests in flight'), 'the drain to be over');

    // This webhook's body is still on its way (as on a proxy's kept-alive connection) when the relay closes.
    const sender = connect(relay.port, '127.0.0.1');
    await once(sender, 'connect');
    const body = '{"id":"evt_late_in_the_drain"}';
    sender.write(`POST /t/stubborn/hook HTTP/1.1\r\nHost: 127.0.0.1:${relay.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    let answer = '';
    const answered = new Promise((resolve) => sender.setEncoding('utf8').on('data', (text: string) => (answer += text)).on('close', resolve));
    await waitFor(() => relay.stderr().includes('stopping: 1 request that came in meanwhile still in flight'), 'the relay to wait for it');
    sender.write(body.slice(10));

    await answered;
    expect(answer, relay.stderr()).toMatch(/^HTTP\/1\.1 202 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(await exited).toBe(0);
  });

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
