// A `listen` stopped by a signal (a script's `kill`, CI's cleanup, Ctrl-C) while the local app works on a live request:
// the request is answered, by the app, to its sender, and recorded complete before listen exits 0. It used to be cut:
// the app had it, the sender got the relay's 202, the recording said 502 and the next listen sent it to the app again.
// Real processes: a `hooktunnel relay` or the embedded relay listen hosts, a real app holding its answer.

import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { freePort, send, waitFor } from '../helpers/http.js';
import { home, listen, queuedRequests, startRelay, watchfulApp } from './helpers.js';
import { holdingApp, steadySender } from './steady-traffic.js';

/** An app whose first request is answered only once the test lets it go; later ones at once. */
async function heldApp() {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  const app = await watchfulApp(() => (++calls === 1 ? held : Promise.resolve()));
  return { ...app, release };
}

/** listen --json said it is waiting: a notice event on stdout, with stderr left to JSON errors. */
function noticed(cli: { events: Record<string, unknown>[] }, text: string): boolean {
  return cli.events.some((e) => e.type === 'notice' && String(e.message).startsWith(text));
}

function exitCode(child: import('node:child_process').ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

function storedExchanges(db: string) {
  const store = Store.open(db);
  try {
    return store.list({ limit: 1000 }).map((row) => store.get(row.id)!);
  } finally {
    store.close();
  }
}

describe('listen stopped by a signal while a live request is under way', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('lets the app answer it on a hooktunnel relay (%s), records it, and leaves nothing queued', async (signal) => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await heldApp();
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'drain', '--no-web'], h.env);

    const reply = send(`${cli.url}/hook`, { headers: ['Content-Type', 'application/json'], body: '{"n":1}' });
    await waitFor(() => app.completed.length === 1, 'the app to have the whole request');
    cli.child.kill(signal);
    await waitFor(() => noticed(cli, 'stopping: waiting for 1 request in flight to be answered'), 'listen to say it waits');
    app.release();

    const answer = await reply;
    expect({ status: answer.status, body: answer.body.toString() }).toEqual({ status: 200, body: 'ok' });
    expect(await exitCode(cli.child)).toBe(0);
    expect(cli.events.filter((e) => e.type === 'request')).toMatchObject([{ path: '/hook', status: 200, state: 'complete' }]);
    expect(storedExchanges(h.db)).toMatchObject([{ state: 'complete', status: 200 }]);
    // Nothing for the next listen to send the app again.
    expect(await queuedRequests(relay.url)).toBe(0);
    expect(app.completed.map((r) => r.url)).toEqual(['/hook']);
  });

  it('lets the app answer it through the embedded relay that listen hosts', async () => {
    const h = home();
    const app = await heldApp();
    const env = { ...h.env, HOOKTUNNEL_EMBEDDED_PORT: String(await freePort()) };
    const cli = await listen([String(app.port), '--db', h.db, '--no-web'], env);

    const reply = send(`${cli.url}/hook`, { body: 'one' });
    await waitFor(() => app.completed.length === 1, 'the app to have the whole request');
    cli.child.kill('SIGTERM');
    await waitFor(() => noticed(cli, 'stopping: waiting for 1 request in flight'), 'listen to say it waits');
    app.release();

    expect((await reply).status).toBe(200);
    expect(await exitCode(cli.child)).toBe(0);
    expect(storedExchanges(h.db)).toMatchObject([{ state: 'complete', status: 200 }]);
  });

  it('lets an acknowledged request being delivered finish (--ack), so no attempt is left for a next listen', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await heldApp();
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'drain-ack', '--ack', '--no-web'], h.env);

    expect((await send(`${cli.url}/hook`, { body: 'one' })).status).toBe(200);
    await waitFor(() => app.completed.length === 1, 'the app to have the acknowledged request');
    cli.child.kill('SIGTERM');
    await waitFor(() => noticed(cli, 'stopping: waiting for 1 request in flight'), 'listen to say it waits');
    app.release();

    expect(await exitCode(cli.child)).toBe(0);
    expect(storedExchanges(h.db)).toMatchObject([{ state: 'complete', status: 200, attemptHistory: [{ status: 200 }] }]);
    expect(app.completed.map((r) => r.url)).toEqual(['/hook']);
  });

  it('stops at once on a second signal, cutting the request as before (the relay queues it for the next listen)', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await heldApp();
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'drain-twice', '--no-web'], h.env);

    const reply = send(`${cli.url}/hook`, { body: 'one' });
    await waitFor(() => app.completed.length === 1, 'the app to have the whole request');
    cli.child.kill('SIGTERM');
    await waitFor(() => noticed(cli, 'stopping: waiting for'), 'listen to say it waits');
    cli.child.kill('SIGTERM');

    expect(await exitCode(cli.child)).toBe(0);
    expect((await reply).status).toBe(202);
    expect(await queuedRequests(relay.url)).toBe(1);
    app.release();
  });
});

// Steady traffic during the stop (a sender retrying, a busy account): the first signal used to wait for every request
// arriving after it too, so listen never ended. Now the app finishes only what it had; the rest goes back to the relay.
describe('listen stopped by a signal while a sender keeps sending', () => {
  /**
   * The app has /hook/0 when the signal comes, and holds every request it gets; a sender keeps sending through the stop.
   * listen must exit 0 once the app answers /hook/0, the relay must answer every later request 202, and neither the app
   * nor the recording may see any of them. The paths the sender sent meanwhile, for the next listen to deliver.
   */
  async function stopUnderSteadyTraffic(cli: Awaited<ReturnType<typeof listen>>, app: Awaited<ReturnType<typeof holdingApp>>): Promise<string[]> {
    const first = send(`${cli.url}/hook/0`, { body: '0' });
    await waitFor(() => app.completed.length === 1, 'the app to have the first request');
    cli.child.kill('SIGTERM');
    await waitFor(() => noticed(cli, 'stopping: waiting for 1 request in flight'), 'listen to say it waits');
    const sender = steadySender(cli.url);
    // The app holds every request it gets: these 202s come from the relay, so the app was not given them.
    await waitFor(() => sender.replies.filter((r) => r.status === 202).length >= 3, 'the relay to answer requests sent during the stop 202');
    app.release();

    expect((await first).status).toBe(200);
    expect(await exitCode(cli.child)).toBe(0);
    const replies = await sender.stop();
    expect(replies.every((r) => r.status === 202)).toBe(true);
    expect(app.completed.map((r) => r.url)).toEqual(['/hook/0']);
    expect(cli.events.filter((e) => e.type === 'request').map((e) => e.path)).toEqual(['/hook/0']);
    return replies.map((r) => r.path);
  }

  it('ends once the app answers what it had; the relay answers the rest 202 and the next listen delivers each once', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await holdingApp();
    const args = [String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'drain-steady', '--no-web'];
    const sent = await stopUnderSteadyTraffic(await listen(args, h.env), app);

    const next = await listen(args, h.env);
    await waitFor(() => app.completed.length === 1 + sent.length, 'the next listen to deliver every request sent during the stop');
    await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'the relay to have every delivery acknowledged');
    expect(await next.stop()).toBe(0);
    expect(app.completed.map((r) => r.url).sort()).toEqual(['/hook/0', ...sent].sort());
    expect(storedExchanges(h.db).map((e) => e.path).sort()).toEqual(['/hook/0', ...sent].sort());
  });

  it('ends with the embedded relay it hosts; what the relay queued meanwhile is delivered once by the next listen', async () => {
    const h = home();
    const app = await holdingApp();
    const env = { ...h.env, HOOKTUNNEL_EMBEDDED_PORT: String(await freePort()) };
    const args = [String(app.port), '--db', h.db, '--no-web'];
    const sent = await stopUnderSteadyTraffic(await listen(args, env), app);

    const next = await listen(args, env);
    await waitFor(() => app.completed.length === 1 + sent.length, 'the next listen to deliver every request queued during the stop');
    expect(await next.stop()).toBe(0);
    expect(app.completed.map((r) => r.url).sort()).toEqual(['/hook/0', ...sent].sort());
    expect(storedExchanges(h.db).map((e) => e.path).sort()).toEqual(['/hook/0', ...sent].sort());
  });
});
