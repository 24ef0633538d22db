// Graceful shutdown: new work gets 503 + Retry-After, in-flight requests finish (bounded), clients are told to reconnect.

import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src/tunnel/tunnel-client.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { onCleanup, openSession, startRelay, upgrade } from './helpers.js';

/** A relay with a tunnel to an app that holds every request until released. */
async function heldTunnel(limits: { drainTimeoutMs?: number } = {}) {
  const held: ServerResponse[] = [];
  const app = await startLocalApp((_req, res) => held.push(res));
  onCleanup(() => app.close());
  const { url, relay } = await startRelay({ limits });
  const session = await openSession(url, app.port, { name: 'work', retry: true });
  const statuses: ConnectionStatus[] = [];
  session.on('status', (status) => statuses.push(status));
  return { url, relay, app, held, statuses, tunnelUrl: session.welcome!.url };
}

describe('drain', () => {
  it('lets an in-flight request finish, answers new ones 503 relay_draining, then tells clients to reconnect', async () => {
    const { url, relay, app, held, statuses, tunnelUrl } = await heldTunnel();
    const inFlight = send(`${tunnelUrl}/slow`, { body: 'in flight' });
    await waitFor(() => app.received.length === 1, 'the request to reach the app');

    const drained = relay.drain();
    const refused = await send(`${tunnelUrl}/new`, { headers: ['Accept', 'application/json'], body: 'late' });
    expect(refused.status).toBe(503);
    expect(refused.headers['x-hooktunnel-error']).toBe('relay_draining');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const health = await send(`${url}/healthz`, { method: 'GET' });
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body.toString())).toMatchObject({ ok: false, draining: true });
    const newClient = await upgrade(url);
    expect(newClient.status).toBe(503);
    expect(newClient.headers['x-hooktunnel-error']).toBe('relay_draining');
    expect(statuses).toEqual([]);

    held[0].end('finished');
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('finished');
    await drained;
    // GOAWAY reconnect:true: the client goes on trying (to the relay's next run), it does not give up.
    await waitFor(() => statuses.find((s) => s.state === 'reconnecting'), 'the client to start reconnecting');
    expect(statuses.find((s) => s.state === 'reconnecting')!.error).toContain('restarting');
    expect(statuses.some((s) => s.state === 'offline')).toBe(false);
  });

  it('gives in-flight requests no more than drainTimeoutMs', async () => {
    const { relay, app, tunnelUrl } = await heldTunnel({ drainTimeoutMs: 200 });
    const inFlight = send(`${tunnelUrl}/forever`, { body: 'x' }).catch((error: Error) => error);
    await waitFor(() => app.received.length === 1, 'the request to reach the app');
    const started = Date.now();
    await relay.drain();
    expect(Date.now() - started).toBeLessThan(5_000);
    const outcome = await inFlight;
    // Cut off: either the tunnel's 502 made it out, or the connection was closed.
    expect(outcome instanceof Error || outcome.status === 502).toBe(true);
  });

  it('is cut short by close() (the second signal)', async () => {
    const { relay, app, tunnelUrl } = await heldTunnel({ drainTimeoutMs: 60_000 });
    void send(`${tunnelUrl}/forever`, { body: 'x' }).catch(() => {});
    await waitFor(() => app.received.length === 1, 'the request to reach the app');
    const drained = relay.drain();
    const started = Date.now();
    await relay.close();
    await drained;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
