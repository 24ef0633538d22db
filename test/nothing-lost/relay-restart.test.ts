// Chaos: the relay process is killed (SIGKILL) with requests in flight, a client connected and requests queued for a
// client that is away, then started again on the same port and data directory.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { BIN } from '../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, queuedRequests, requestEvents, startRelay } from './helpers.js';

function rows(db: string) {
  const store = Store.open(db);
  try {
    return store.list({ limit: 1000, oldestFirst: true });
  } finally {
    store.close();
  }
}

describe('the relay restarted', () => {
  it('keeps the connected client\'s URL, delivers what was queued, and records nothing twice', async () => {
    const h = home();
    let relay = await startRelay(h.relayDir, h.env);
    const held: (() => void)[] = [];
    const app = await startLocalApp((req, res) => {
      const answer = () => res.writeHead(200).end('ok');
      if (req.url!.startsWith('/slow')) held.push(answer);
      else answer();
    });
    onCleanup(() => app.close());

    // A client that stays connected (random id, resumed by its token), and one that is away (its requests are queued).
    const connected = await listen([String(app.port), '--relay', relay.url, '--db', h.db], h.env);
    const awayDb = `${h.db}.away`;
    const away = await listen([String(app.port), '--relay', relay.url, '--db', awayDb, '--name', 'away'], h.env);
    await away.stop();
    for (let i = 0; i < 20; i++) expect((await send(`${away.url}/queued/${i}`, { body: String(i) })).status).toBe(202);

    // Requests in flight: the app holds them.
    const inFlight = [0, 1, 2].map((i) => send(`${connected.url}/slow/${i}`, { body: String(i) }).catch((error: Error) => error));
    await waitFor(() => held.length === 3, 'three requests in flight at the app');

    await relay.crash();
    for (const outcome of await Promise.all(inFlight)) expect(outcome).toBeInstanceOf(Error);
    await waitFor(() => connected.events.some((e) => e.type === 'status' && e.state === 'reconnecting'), 'the client to notice');
    held.forEach((answer) => answer());

    relay = await startRelay(h.relayDir, h.env, relay.port);
    const readies = () => connected.events.filter((e) => e.type === 'ready');
    await waitFor(() => readies().length === 2, 'the client to reconnect', 20_000);
    expect(readies()[1].url).toBe(connected.url);
    expect(await queuedRequests(relay.url)).toBe(20);

    const after = await send(`${connected.url}/after`, { body: 'after' });
    expect(after.status).toBe(200);
    const back = await listen([String(app.port), '--relay', relay.url, '--db', awayDb, '--name', 'away'], h.env);
    await waitFor(() => requestEvents(back.events).length >= 20, 'the queued requests', 20_000);
    await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'every ACK');

    const queued = app.received.filter((r) => r.url.startsWith('/queued/')).map((r) => r.url);
    expect(queued).toEqual(Array.from({ length: 20 }, (_, i) => `/queued/${i}`));
    expect(rows(awayDb).map((r) => r.path)).toEqual(queued);
    const main = rows(h.db).map((r) => r.path);
    expect(main.filter((p) => p.startsWith('/slow')).sort()).toEqual(['/slow/0', '/slow/1', '/slow/2']);
    expect(main.filter((p) => p === '/after')).toHaveLength(1);
    expect(new Set(rows(h.db).map((r) => r.deliveryId)).size).toBe(main.length);
    await back.stop();
    await connected.stop();
  });

  it('says so plainly when the relay comes back without the id (another --data-dir): a NEW URL, never "same URL"', async () => {
    const h = home();
    let relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    // Plain output, as in a terminal without the TUI.
    const child = spawn(process.execPath, [BIN, 'listen', String(app.port), '--relay', relay.url, '--db', h.db, '--no-tui', '--no-web'], {
      env: { ...process.env, ...h.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    onCleanup(() => (child.kill('SIGKILL'), exited));
    const urls = () => [...out.matchAll(/^hooktunnel {2}(\S+)/gm)].map((m) => m[1]);
    const first = await waitFor(() => urls()[0], 'the first URL');

    await relay.crash();
    relay = await startRelay(`${h.relayDir}-other`, h.env, relay.port);
    const again = await waitFor(() => /^online again.*$/m.exec(err)?.[0], 'the client to be online again', 20_000);
    // stdout and stderr are two pipes: the new URL's line may come after the note on the other.
    const second = await waitFor(() => urls()[1], 'the second URL');
    expect(second).not.toBe(first);
    expect(again).toContain(`on a NEW URL ${second} (was ${first}`);
    expect(again).not.toContain('same URL');
    expect((await send(`${second}/after`, { body: 'x' })).status).toBe(200);
    expect((await send(`${first}/lost`, { body: 'x' })).status).toBe(404);
  });
});
