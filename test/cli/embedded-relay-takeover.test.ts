// The embedded relay outlives the `listen` that hosted it: a `listen` that shared it takes the port over, reconnects and
// gets its same URL back (real processes, a real local app, a free embedded port, temp XDG dirs).

import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRelay } from '../../relay-server/relay.js';
import { startListen, tempHome, type ListenProcess } from '../helpers/cli.js';
import { freePort, send, startLocalApp, waitFor, type LocalApp } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';



/** Is anything accepting connections on 127.0.0.1:port? */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function listenFor(args: string[], env: Record<string, string>): Promise<ListenProcess> {
  const listen = await startListen(args, env);
  onCleanup(() => listen.stop());
  return listen;
}

function exited(listen: ListenProcess): Promise<unknown> {
  return new Promise((resolve) => (listen.child.exitCode !== null || listen.child.signalCode !== null ? resolve(undefined) : listen.child.once('exit', resolve)));
}

const readies = (listen: ListenProcess) => listen.events.filter((e) => e.type === 'ready');
const notices = (listen: ListenProcess) => listen.events.filter((e) => e.type === 'notice');

/** A temp home, a local app, and an embedded port nobody uses. */
async function setUp(): Promise<{ env: Record<string, string>; db: string; app: LocalApp; port: number }> {
  const home = tempHome();
  onCleanup(home.cleanup);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  const port = await freePort();
  return { env: { ...home.env, HOOKTUNNEL_EMBEDDED_PORT: String(port) }, db: home.db, app, port };
}

/** Waits until `listen` is online again after the host went away, and checks it is on its URL from before. */
async function backOnSameUrl(listen: ListenProcess): Promise<void> {
  await waitFor(() => readies(listen).length >= 2, `${listen.url} to be ready again`);
  expect(readies(listen).map((e) => e.url)).toEqual([listen.url, listen.url]);
}

/** A request to the URL reaches the local app and is recorded. */
async function delivers(listen: ListenProcess, app: LocalApp, path: string): Promise<void> {
  const reply = await send(`${listen.url}${path}`, { body: path });
  expect(reply.status).toBe(200);
  const recorded = await listen.waitForRequest((e) => e.path === path, `${path} to be recorded`);
  expect(recorded).toMatchObject({ status: 200 });
  expect(recorded.id).toBeGreaterThan(0);
  expect(app.received.filter((r) => r.url === path)).toHaveLength(1);
}

describe('the embedded relay after the listen that hosted it stops', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)('is taken over by a listen that shared it (%s), which comes back on its URL', async (signal) => {
    const { env, db, app, port } = await setUp();
    const host = await listenFor([String(app.port), '--db', db], env);
    // Named, and random (its id comes back through the resume token in the relay's SQLite state).
    const named = await listenFor([String(app.port), '--db', db, '--name', 'plain'], env);
    expect(named.url).toBe(`http://127.0.0.1:${port}/t/plain`);
    expect(String(readies(named)[0].note)).toContain('sharing the embedded relay');

    host.child.kill(signal);
    await exited(host);
    await backOnSameUrl(named);
    expect(notices(named)).toEqual([{ type: 'notice', message: `now hosting the embedded relay on http://127.0.0.1:${port} (the hooktunnel that hosted it stopped)` }]);
    expect(String(readies(named)[1].note)).toContain('hosting the embedded relay now');
    await delivers(named, app, `/after-${signal}`);
  });

  it('a host restarted after a takeover comes back on its URL as a sharer, and gets what was queued meanwhile', async () => {
    const { env, db, app, port } = await setUp();
    const first = await listenFor([String(app.port), '--db', db], env);
    expect(first.url).toBe(`http://127.0.0.1:${port}/t/${app.port}`);
    const other = await listenFor([String(app.port), '--db', db, '--name', 'other'], env);

    first.child.kill('SIGTERM');
    await exited(first);
    await backOnSameUrl(other);
    // Meanwhile a sender posts to the stopped listen's URL: queued by the relay other now hosts.
    expect((await send(`${first.url}/while-away`, { body: 'queued' })).status).toBe(202);

    const again = await listenFor([String(app.port), '--db', db], env);
    expect(again.url).toBe(first.url);
    const delivered = await again.waitForRequest((e) => e.path === '/while-away' && e.status === 200, 'the queued request');
    expect(delivered.id).toBeGreaterThan(0);
  });

  it('goes to exactly one of two listens that shared it; the other reconnects to it', async () => {
    const { env, db, app } = await setUp();
    const host = await listenFor([String(app.port), '--db', db], env);
    const one = await listenFor([String(app.port), '--db', db, '--name', 'one'], env);
    const two = await listenFor([String(app.port), '--db', db], env);

    host.child.kill('SIGTERM');
    await exited(host);
    await Promise.all([backOnSameUrl(one), backOnSameUrl(two)]);
    expect(notices(one).length + notices(two).length).toBe(1);
    await delivers(one, app, '/one');
    await delivers(two, app, '/two');
  });

  it('delivers a request the old relay had queued (acknowledge mode) once the new one runs', async () => {
    const { env, db, app } = await setUp();
    const host = await listenFor([String(app.port), '--db', db], env);
    const acking = await listenFor([String(app.port), '--db', db, '--name', 'acking', '--ack'], env);

    // Frozen, it cannot take the request: the relay has only its queue (relay.db) when it is killed.
    acking.child.kill('SIGSTOP');
    onCleanup(() => void acking.child.kill('SIGCONT'));
    const reply = await send(`${acking.url}/queued`, { body: 'keep me' });
    // Answered by the relay itself once stored (the client's ack answer), with the id it is queued under.
    expect(reply.status).toBe(200);
    expect(reply.headers['x-hooktunnel-delivery']).toBeDefined();
    host.child.kill('SIGKILL');
    await exited(host);
    acking.child.kill('SIGCONT');

    await backOnSameUrl(acking);
    const recorded = await acking.waitForRequest((e) => e.path === '/queued' && e.status === 200, 'the queued request to be delivered');
    expect(recorded.id).toBeGreaterThan(0);
    expect(app.received.some((r) => r.url === '/queued' && r.body.toString() === 'keep me')).toBe(true);
  });

  it('is not done for a --relay relay: that one stays down', async () => {
    const { env, db, app } = await setUp();
    const relay = createRelay({ port: 0, host: '127.0.0.1' });
    const relayUrl = await relay.start();
    const listen = await listenFor([String(app.port), '--db', db, '--relay', relayUrl], env);
    await relay.close();
    await waitFor(
      () => listen.events.find((e) => e.type === 'status' && e.state === 'reconnecting' && String(e.error).includes('connection refused')),
      'a refused reconnect',
    );
    expect(notices(listen)).toEqual([]);
    expect(await listening(relay.port)).toBe(false);
  });
});
