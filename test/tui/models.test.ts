// The two TuiModel implementations over a real SQLite store: history, replay to a real local server, session events.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/exchange.js';
import { parseTarget } from '../../src/forward/target.js';
import { Session } from '../../src/session.js';
import { Store } from '../../src/store/store.js';
import type { HeaderInfo } from '../../src/tui/model.js';
import { SessionModel } from '../../src/tui/session-model.js';
import { StoreModel } from '../../src/tui/store-model.js';

let dir: string;
let store: Store;
let server: Server;
let received: { method?: string; url?: string; body: string }[];
let port: number;

function record(target: string, path: string, body: string): number {
  const recording = store.begin({
    deliveryId: null,
    replayOf: null,
    url: null,
    target,
    receivedAt: Date.now(),
    method: 'POST',
    path,
    headers: [['content-type', 'application/json']],
    body: Buffer.from(body),
  });
  recording.respond(200, [['content-type', 'text/plain']]);
  recording.appendResponseBody(Buffer.from('ok'));
  recording.complete(3);
  return recording.id;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hooktunnel-tui-'));
  store = Store.open(join(dir, 'capture.db'));
  received = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, body });
      res.writeHead(req.url?.startsWith('/fail') ? 500 : 202).end('done');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  store.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('StoreModel', () => {
  const info = (target: string): Omit<HeaderInfo, 'requests' | 'failures' | 'storeErrors'> => ({
    mode: 'inspect',
    url: null,
    target,
    dbPath: store.path,
    connection: null,
  });

  it('lists and gets history, and replays to the original target, announcing the new exchange', async () => {
    const id = record(`http://127.0.0.1:${port}`, '/hook', '{"a":1}');
    const model = new StoreModel({ store, info: info('original target'), timeoutMs: 5000 });
    expect(model.list({ limit: 10 }).map((e) => e.id)).toEqual([id]);
    expect(model.get(id)?.requestBody.toString()).toBe('{"a":1}');
    const seen: ExchangeSummary[] = [];
    const infos: HeaderInfo[] = [];
    model.subscribe({ exchange: (e) => seen.push(e), info: (i) => infos.push(i) });
    const replay = await model.replay(id);
    expect(replay).toMatchObject({ replayOf: id, status: 202, state: 'complete' });
    expect(received).toEqual([{ method: 'POST', url: '/hook', body: '{"a":1}' }]);
    expect(seen).toEqual([replay]);
    expect(infos.at(-1)).toMatchObject({ requests: 1, failures: 0 });
    expect(model.list({ limit: 10 }).map((e) => e.id)).toEqual([replay!.id, id]);
  });

  it('replays to --to instead, counts 5xx as failures, and says undefined for an unknown id', async () => {
    const id = record('http://127.0.0.1:1', '/fail', 'x');
    const model = new StoreModel({ store, info: info(`http://127.0.0.1:${port}`), replayTo: parseTarget(String(port)), timeoutMs: 5000 });
    const replay = await model.replay(id);
    expect(replay?.status).toBe(500);
    expect(received).toHaveLength(1);
    expect(model.info()).toMatchObject({ requests: 1, failures: 1 });
    expect(await model.replay(9999)).toBeUndefined();
  });
});

describe('SessionModel', () => {
  it('follows the session: status, URL, exchanges, store errors; and stops following on close', async () => {
    const target = parseTarget(String(port));
    const session = new Session({ target, relayUrl: 'ws://127.0.0.1:1', timeoutMs: 1000, hostHeader: 'rewrite', retry: false, store });
    const model = new SessionModel({ session, store, target, timeoutMs: 1000, note: 'local only' });
    expect(model.info()).toMatchObject({ mode: 'listen', url: null, target: target.url, connection: { state: 'connecting' }, note: 'local only' });
    const seen: number[] = [];
    model.subscribe({ exchange: (e) => seen.push(e.id) });
    session.emit('status', { state: 'online', attempt: 0 });
    session.emit('ready', { tunnelId: 'abc', url: 'http://relay/t/abc', resumeToken: 'r', maxBodyBytes: 1 });
    const id = record(target.url, '/x', '{}');
    const [summary] = store.list({ limit: 1 });
    session.emit('exchange', summary);
    // An exchange the store could not record (id 0) is counted as a store error, not shown.
    session.emit('exchange', { ...summary, id: 0 });
    session.emit('storeError', new Error('disk full'));
    expect(seen).toEqual([id]);
    expect(model.info()).toMatchObject({ url: 'http://relay/t/abc', connection: { state: 'online' }, requests: 1, storeErrors: 1 });
    // Replays go to the listen target.
    const replay = await model.replay(id);
    expect(replay?.status).toBe(202);
    expect(seen).toEqual([id, replay!.id]);
    model.close();
    session.emit('status', { state: 'offline', attempt: 0 });
    expect(model.info().connection?.state).toBe('online');
    expect(session.listenerCount('exchange')).toBe(0);
    session.close();
  });
});
