// The two TuiModel implementations over a real SQLite store: history, replay and edit-and-replay (with a fake $EDITOR)
// to a real local server, session events.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExchangeSummary, HeaderPairs } from '../../src/exchange.js';
import { parseTarget } from '../../src/forward/target.js';
import { Session } from '../../src/session.js';
import { Store } from '../../src/store/store.js';
import type { HeaderInfo } from '../../src/tui/model.js';
import { SessionModel } from '../../src/tui/session-model.js';
import { StoreModel } from '../../src/tui/store-model.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { resignWebhook, verifyWebhook } from '../../src/webhooks/verify.js';
import { exchangeStart } from '../helpers/exchange-start.js';

let dir: string;
let store: Store;
let server: Server;
let received: { method?: string; url?: string; body: string }[];
let receivedHeaders: IncomingHttpHeaders[];
let port: number;

function record(target: string, path: string, body: string, headers: HeaderPairs = [['content-type', 'application/json']]): number {
  const recording = store.begin(exchangeStart({ url: null, target, path, headers, body: Buffer.from(body) }));
  recording.respond(200, [['content-type', 'text/plain']]);
  recording.appendResponseBody(Buffer.from('ok'));
  recording.complete(3);
  return recording.id;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hooktunnel-tui-'));
  store = Store.open(join(dir, 'capture.db'));
  received = [];
  receivedHeaders = [];
  server = createServer((req, res) => {
    receivedHeaders.push(req.headers);
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

describe('edit and replay', () => {
  const STRIPE_SECRET = 'whsec_tui_test';
  const secrets = buildSecrets({ flags: [`stripe=${STRIPE_SECRET}`] });

  /** A fake $EDITOR: a script that does `action` to the file it is given ($1). */
  function editorEnv(action: string): NodeJS.ProcessEnv {
    const script = join(dir, `editor-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(script, `#!/bin/sh\n${action}\n`);
    chmodSync(script, 0o755);
    return { ...process.env, VISUAL: '', EDITOR: script };
  }

  /** A Stripe delivery signed an hour ago: too old to pass the app's own check if sent as recorded. */
  function recordStripe(body: string): number {
    const base: HeaderPairs = [['content-type', 'application/json'], ['stripe-signature', 't=1,v1=00']];
    const { headers } = resignWebhook({ headers: base, body: Buffer.from(body), url: null }, secrets, Date.now() - 3_600_000, { path: '/stripe' });
    return record(`http://127.0.0.1:${port}`, '/stripe', body, headers);
  }

  const model = (options: { env: NodeJS.ProcessEnv; withSecrets?: boolean }) =>
    new StoreModel({
      store,
      timeoutMs: 5000,
      env: options.env,
      secrets: options.withSecrets ? secrets : undefined,
      info: { mode: 'inspect', url: null, target: 'original target', dbPath: store.path, connection: null },
    });

  it('runs the editor inside suspend and replays what was saved, announcing the new exchange', async () => {
    const id = record(`http://127.0.0.1:${port}`, '/hook', '{"a":1}', [['content-type', 'application/json'], ['content-length', '7']]);
    const m = model({ env: editorEnv(`printf '{"a":22}' > "$1"`) });
    const seen: number[] = [];
    m.subscribe({ exchange: (e) => seen.push(e.id) });
    const order: string[] = [];
    const result = await m.editAndReplay(id, async (run) => {
      order.push('suspend');
      const out = await run();
      order.push(`resume, ${received.length} sent`);
      return out;
    });
    // The terminal is taken back once the editor has exited, before anything is sent.
    expect(order).toEqual(['suspend', 'resume, 0 sent']);
    expect(result).toMatchObject({ edited: true, exchange: { replayOf: id, status: 202 } });
    expect(result?.resign).toBeUndefined();
    expect(received).toEqual([{ method: 'POST', url: '/hook', body: '{"a":22}' }]);
    expect(receivedHeaders[0]['content-length']).toBe('8');
    expect(seen).toEqual([result!.exchange.id]);
    expect(store.get(result!.exchange.id)?.requestBody.toString()).toBe('{"a":22}');
  });

  it('re-signs the edited body when the secret is known, so it verifies again', async () => {
    const id = recordStripe('{"type":"invoice.paid","amount":1}');
    const m = model({ env: editorEnv(`sed -i 's/"amount": 1/"amount": 99/' "$1"`), withSecrets: true });
    const result = await m.editAndReplay(id);
    expect(result).toMatchObject({ edited: true, resign: { resigned: true } });
    // The editor saw the JSON pretty-printed; the app gets what was saved.
    const sent = received[0].body;
    expect(JSON.parse(sent)).toEqual({ type: 'invoice.paid', amount: 99 });
    const headers: HeaderPairs = [['stripe-signature', String(receivedHeaders[0]['stripe-signature'])]];
    expect(verifyWebhook({ headers, body: Buffer.from(sent), url: null }, secrets, Date.now(), { path: '/stripe' }).result).toBe('valid');
    expect(result?.exchange.webhook).toMatchObject({ provider: 'stripe', verification: 'valid' });
  });

  it('sends an unchanged body as recorded, still with a fresh signature', async () => {
    const id = recordStripe('{"type":"invoice.paid"}');
    const result = await model({ env: editorEnv('true'), withSecrets: true }).editAndReplay(id);
    expect(result).toMatchObject({ edited: false, resign: { resigned: true } });
    expect(received[0].body).toBe('{"type":"invoice.paid"}');
    expect(receivedHeaders[0]['stripe-signature']).not.toBe(store.get(id)?.requestHeaders[1][1]);
  });

  it('rejects when the editor fails, and sends nothing', async () => {
    const id = record(`http://127.0.0.1:${port}`, '/hook', '{}');
    const m = model({ env: editorEnv('exit 3') });
    await expect(m.editAndReplay(id)).rejects.toThrow(/did not finish successfully \(exit 3\)/);
    expect(received).toEqual([]);
    expect(await m.editAndReplay(9999)).toBeUndefined();
  });

  it('the listen model signs with the session\'s secrets', async () => {
    const id = recordStripe('{"type":"charge.refunded"}');
    const target = parseTarget(String(port));
    const session = new Session({ target, relayUrl: 'ws://127.0.0.1:1', timeoutMs: 1000, hostHeader: 'rewrite', retry: false, store, secrets });
    const m = new SessionModel({ session, store, target, timeoutMs: 1000 });
    // The listen model reads the real environment, as the CLI does.
    vi.stubEnv('VISUAL', '');
    vi.stubEnv('EDITOR', editorEnv('true').EDITOR);
    try {
      expect(await m.editAndReplay(id)).toMatchObject({ edited: false, resign: { resigned: true } });
    } finally {
      vi.unstubAllEnvs();
      m.close();
      session.close();
    }
  });
});
