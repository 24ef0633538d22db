// End to end through the real relay and the real CLI process: exact bytes in, exact bytes out, everything recorded.

import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../relay-server/relay.js';
import { Store } from '../src/store/store.js';
import { runCli, startListen, tempHome, type ListenProcess } from './helpers/cli.js';
import { send, sha256, startLocalApp, waitFor, type LocalApp } from './helpers/http.js';

let relay: Relay;
let relayUrl: string;
let app: LocalApp;
let listen: ListenProcess;
const home = tempHome();

beforeAll(async () => {
  relay = createRelay({ port: 0, host: '127.0.0.1' });
  relayUrl = await relay.start();
  app = await startLocalApp((req, res, body) => {
    if (req.url === '/fake-error') {
      res.writeHead(200, { 'X-Hooktunnel-Error': 'local_timeout', 'Content-Type': 'text/plain' });
      res.end('the app tried to fake an error');
      return;
    }
    if (req.url === '/echo-headers') {
      res.writeHead(201, ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Custom', 'One', 'x-custom', 'two', 'Content-Type', 'text/plain']);
      res.end('created');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'X-Body-Sha256': sha256(body) });
    res.end(body);
  });
  listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db], home.env);
});

afterAll(async () => {
  await listen?.stop();
  await app?.close();
  await relay?.close();
  home.cleanup();
});

function storedExchange(id: number) {
  const store = Store.open(home.db);
  try {
    return store.get(id);
  } finally {
    store.close();
  }
}

const bodies: [string, Buffer, string[]][] = [
  ['a 1 KB JSON webhook', Buffer.from(JSON.stringify({ id: 'evt_1', data: 'x'.repeat(1000) })), ['Content-Type', 'application/json']],
  ['a binary body', randomBytes(4096), ['Content-Type', 'application/octet-stream']],
  ['a gzip body', gzipSync(Buffer.from('{"compressed":true}'.repeat(200))), ['Content-Type', 'application/json', 'Content-Encoding', 'gzip']],
  ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0x7d]), ['Content-Type', 'text/plain; charset=utf-8']],
  ['a 20 MB body', randomBytes(20 * 1024 * 1024), ['Content-Type', 'application/octet-stream']],
  ['an empty body', Buffer.alloc(0), []],
];

describe('exact bytes', () => {
  it.each(bodies)('%s reaches the local app and the store byte for byte', async (name, body, headers) => {
    const path = `/bytes/${encodeURIComponent(name)}?q=${encodeURIComponent(name)}&x=%2F`;
    const reply = await send(`${listen.url}${path}`, { headers, body });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-body-sha256']).toBe(sha256(body));
    expect(sha256(reply.body)).toBe(sha256(body));

    const seen = app.received.find((r) => r.url === path)!;
    expect(seen.sha256).toBe(sha256(body));
    const event = await listen.waitForRequest((e) => e.path === path, `the ${name} exchange`);
    const stored = storedExchange(event.id as number)!;
    expect(stored.requestSha256).toBe(sha256(body));
    expect(sha256(stored.requestBody)).toBe(sha256(body));
    expect(sha256(stored.responseBody!)).toBe(sha256(body));
    expect(stored.status).toBe(200);
  });

  it('keeps repeated headers, their order and case, and sends the app\'s exact status and headers back', async () => {
    const headers = ['X-Dup', 'first', 'x-dup', 'second', 'X-Signature', 'sha256=abc', 'X-Dup', 'third'];
    const reply = await send(`${listen.url}/echo-headers`, { headers, body: 'hi' });
    expect(reply.status).toBe(201);
    expect(reply.body.toString()).toBe('created');
    const pairs = reply.rawHeaders.join('|');
    expect(pairs).toContain('Set-Cookie|a=1|Set-Cookie|b=2|X-Custom|One|x-custom|two');

    const seen = app.received.find((r) => r.url === '/echo-headers')!;
    const dup = seen.rawHeaders.map((v, i) => (i % 2 === 0 ? `${v}:${seen.rawHeaders[i + 1]}` : null)).filter((v) => v?.toLowerCase().startsWith('x-dup'));
    expect(dup).toEqual(['X-Dup:first', 'x-dup:second', 'X-Dup:third']);
    const event = await listen.waitForRequest((e) => e.path === '/echo-headers', 'the header exchange');
    const stored = storedExchange(event.id as number)!;
    expect(stored.requestHeaders.filter(([n]) => n.toLowerCase() === 'x-dup')).toEqual([
      ['X-Dup', 'first'],
      ['x-dup', 'second'],
      ['X-Dup', 'third'],
    ]);
    expect(stored.responseHeaders!.filter(([n]) => n === 'Set-Cookie')).toEqual([
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });

  it('sets forwarding headers, rewrites Host to the local target, and never lets a sender fake hooktunnel errors', async () => {
    await send(`${listen.url}/forwarded`, { headers: ['X-Forwarded-For', '6.6.6.6', 'X-Hooktunnel-Error', 'fake'], body: 'x' });
    const seen = app.received.find((r) => r.url === '/forwarded')!;
    const headers = Object.fromEntries(seen.rawHeaders.flatMap((v, i) => (i % 2 === 0 ? [[v.toLowerCase(), seen.rawHeaders[i + 1]]] : [])));
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers.host).toBe(`localhost:${app.port}`);
    expect(headers['x-hooktunnel-error']).toBeUndefined();
  });

  it('strips an X-Hooktunnel-Error header the local app sends, so only hooktunnel can mark its own errors', async () => {
    const reply = await send(`${listen.url}/fake-error`, { body: 'x' });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-hooktunnel-error']).toBeUndefined();
    expect(reply.body.toString()).toBe('the app tried to fake an error');
  });

  it.each(['//169.254.169.254/latest/meta-data', '/..%2f..%2fetc/passwd', '/a/../../b?u=http://evil/'])(
    'keeps %s a path on the local target (no SSRF)',
    async (path) => {
      const reply = await send(`${listen.url}${path}`, { body: 'x' });
      expect(reply.status).toBe(200);
      expect(app.received.some((r) => r.url === path)).toBe(true);
    },
  );
});

describe('concurrency', () => {
  it('delivers and records 100 concurrent requests through one tunnel', async () => {
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 100 });
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => send(`${listen.url}/concurrent/${i}`, { body: `body-${i}`, agent })),
    );
    agent.destroy();
    expect(replies.every((r) => r.status === 200)).toBe(true);
    replies.forEach((r, i) => expect(r.body.toString()).toBe(`body-${i}`));
    await waitFor(() => listen.events.filter((e) => String(e.path).startsWith('/concurrent/')).length === 100, '100 request events');
    const store = Store.open(home.db);
    const recorded = store.list({ limit: 1000 }).filter((e) => e.path.startsWith('/concurrent/'));
    store.close();
    expect(recorded).toHaveLength(100);
    expect(new Set(recorded.map((e) => e.path)).size).toBe(100);
    expect(recorded.every((e) => e.state === 'complete' && e.status === 200)).toBe(true);
  });
});

describe('ls, show and replay against a database a running listen is writing', () => {
  it('lists, shows, writes raw bytes, and replays to the original target and to --to', async () => {
    const body = Buffer.concat([Buffer.from('{"event":"charge.succeeded"}'), Buffer.from([0xff])]);
    await send(`${listen.url}/history?x=1`, { headers: ['Content-Type', 'application/json'], body });
    const event = await listen.waitForRequest((e) => e.path === '/history?x=1', 'the history exchange');
    const id = String(event.id);

    const ls = await runCli(['ls', '--db', home.db, '--limit', '5'], { env: home.env });
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(new RegExp(`^${id}\\s+\\d\\d:\\d\\d:\\d\\d\\s+POST\\s+200`, 'm'));
    const lsJson = JSON.parse((await runCli(['ls', '--db', home.db, '--json'], { env: home.env })).stdout);
    expect(lsJson[0]).toMatchObject({ id: Number(id), method: 'POST', path: '/history?x=1', status: 200 });

    const show = await runCli(['show', id, '--db', home.db], { env: home.env });
    expect(show.stdout).toContain('POST /history?x=1');
    expect(show.stdout).toContain('Content-Type: application/json');
    const raw = await runCli(['show', id, '--raw', '--db', home.db], { env: home.env });
    expect(raw.stdoutBytes.equals(body)).toBe(true);
    const json = JSON.parse((await runCli(['show', id, '--json', '--db', home.db], { env: home.env })).stdout);
    expect(json.request.body).toEqual({ encoding: 'base64', data: body.toString('base64') });
    expect(json.request.headers).toContainEqual(['Content-Type', 'application/json']);

    const before = app.received.length;
    const replay = await runCli(['replay', id, '--db', home.db, '--json'], { env: home.env });
    expect(replay.code).toBe(0);
    const replayed = JSON.parse(replay.stdout);
    expect(replayed).toMatchObject({ replayOf: Number(id), status: 200, path: '/history?x=1' });
    expect(app.received.length).toBe(before + 1);
    expect(app.received.at(-1)!.sha256).toBe(sha256(body));

    const other = await startLocalApp();
    try {
      const to = await runCli(['replay', id, '--to', String(other.port), '--db', home.db], { env: home.env });
      expect(to.code).toBe(0);
      expect(to.stdout).toContain(`replay of #${id}`);
      expect(other.received[0].sha256).toBe(sha256(body));
      expect(other.received[0].url).toBe('/history?x=1');
    } finally {
      await other.close();
    }
  });

  it('says clearly when an id is unknown, the database is missing, or the target is unreachable', async () => {
    const unknown = await runCli(['show', '999999', '--db', home.db], { env: home.env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no exchange #999999');
    expect(unknown.stderr).not.toContain('    at ');

    const missing = await runCli(['ls', '--db', `${home.dir}/nope.db`], { env: home.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no capture database');

    const closed = await startLocalApp();
    const port = closed.port;
    await closed.close();
    const unreachable = await runCli(['replay', '1', '--to', String(port), '--db', home.db], { env: home.env });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(`error: replay of #1 failed: cannot reach http://localhost:${port}: connection refused (is your app running?)\n`);
  });
});

describe('failures the sender sees', () => {
  let extra: ListenProcess | undefined;
  afterEach(async () => {
    await extra?.stop();
    extra = undefined;
  });

  it('answers 404 naming an unknown tunnel', async () => {
    const reply = await send(`${relayUrl}/t/nosuchtunnel/x`, { headers: ['Accept', 'application/json'], body: 'x' });
    expect(reply.status).toBe(404);
    expect(reply.headers['x-hooktunnel-error']).toBe('tunnel_not_found');
    expect(JSON.parse(reply.body.toString()).error.message).toContain('nosuchtunnel');
  });

  it('answers 502 when the local app is down, and still records the request', async () => {
    const down = await startLocalApp();
    await down.close();
    extra = await startListen([String(down.port), '--relay', relayUrl, '--db', home.db], home.env);
    const reply = await send(`${extra.url}/down`, { body: 'important' });
    expect(reply.status).toBe(502);
    expect(reply.headers['x-hooktunnel-error']).toBe('local_unreachable');
    expect(reply.body.toString()).toContain(`localhost:${down.port}`);
    const event = await extra.waitForRequest((e) => e.path === '/down', 'the failed exchange');
    expect(event).toMatchObject({ status: 502, state: 'failed', error: { code: 'local_unreachable' } });
    expect(storedExchange(event.id as number)!.requestBody.toString()).toBe('important');
  });

  it('answers 504 when the local app does not answer within --timeout', async () => {
    const slow = await startLocalApp(() => {});
    try {
      extra = await startListen([String(slow.port), '--relay', relayUrl, '--db', home.db, '--timeout', '300ms'], home.env);
      const reply = await send(`${extra.url}/slow`, { body: 'x' });
      expect(reply.status).toBe(504);
      expect(reply.headers['x-hooktunnel-error']).toBe('local_timeout');
      const event = await extra.waitForRequest((e) => e.path === '/slow', 'the timed-out exchange');
      expect(event).toMatchObject({ status: 504, error: { code: 'local_timeout' } });
    } finally {
      await slow.close();
    }
  });

  it('answers 502 when the tunnel client goes away mid-request', async () => {
    const hang = await startLocalApp(() => {});
    try {
      extra = await startListen([String(hang.port), '--relay', relayUrl, '--db', home.db], home.env);
      const pending = send(`${extra.url}/hang`, { body: 'x' });
      await waitFor(() => hang.received.length === 1, 'the request to reach the app');
      extra.child.kill('SIGKILL');
      const reply = await pending;
      expect(reply.status).toBe(502);
      expect(reply.headers['x-hooktunnel-error']).toBe('tunnel_disconnected');
    } finally {
      await hang.close();
    }
  });
});
