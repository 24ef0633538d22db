// Error pages made by the relay: status, X-Hooktunnel-Error, content negotiation; and what a trusted proxy may say.

import { describe, expect, it } from 'vitest';
import { encode, MessageType, RELAY_TIMEOUT_GRACE_MS, type Message } from '../../src/protocol.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { onCleanup, openSession, rawClient, rawHttp, startRelay } from './helpers.js';

describe('error pages', () => {
  it('are JSON for API callers and plain text otherwise, both with a hint', async () => {
    const { url } = await startRelay();
    const json = await send(`${url}/t/missing/x`, { headers: ['Accept', 'application/json'], body: 'x' });
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.body.toString())).toEqual({
      error: { code: 'tunnel_not_found', message: 'no tunnel "missing" is connected to this relay', hint: expect.stringContaining('hooktunnel listen') },
    });
    const text = await send(`${url}/t/missing/x`, { body: 'x' });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.headers['x-content-type-options']).toBe('nosniff');
    expect(text.body.toString()).toBe('no tunnel "missing" is connected to this relay\nCheck the URL; run `hooktunnel listen` to open a tunnel.\n');
  });

  it('502 local_unreachable and 504 local_timeout come from the client, marked', async () => {
    const { url } = await startRelay();
    const down = await startLocalApp();
    await down.close();
    const unreachable = await openSession(url, down.port, { name: 'down' });
    const reply = await send(`${unreachable.welcome!.url}/x`, { body: 'x' });
    expect([reply.status, reply.headers['x-hooktunnel-error']]).toEqual([502, 'local_unreachable']);

    const slow = await startLocalApp(() => {});
    onCleanup(() => slow.close());
    const timing = await openSession(url, slow.port, { name: 'slow', timeoutMs: 200 });
    const late = await send(`${timing.welcome!.url}/x`, { body: 'x' });
    expect([late.status, late.headers['x-hooktunnel-error']]).toEqual([504, 'local_timeout']);
  });

  it('504 local_timeout from the relay itself when the client stays silent past its timeout and the grace, and the client is told', async () => {
    const { url } = await startRelay();
    const client = await rawClient(url, { hello: { timeoutMs: 100 } });
    const welcome = (await client.next(MessageType.Welcome)) as Extract<Message, { type: MessageType.Welcome }>;
    const started = performance.now();
    const early = send(`${welcome.meta.url}/first`, { body: 'a' });
    const request = (await client.next(MessageType.Request)) as Extract<Message, { type: MessageType.Request }>;
    const late = send(`${welcome.meta.url}/second`, { body: 'b' });
    await waitFor(() => client.messages.filter((m) => m.type === MessageType.Request).length === 2, 'the second request');
    const second = client.messages.filter((m) => m.type === MessageType.Request)[1];
    // The first is answered in time: its deadline must not fire later; the second gets the relay's 504.
    client.ws.send(encode(MessageType.Response, request.stream, { status: 201, headers: [] }, Buffer.from('ok'), true));
    expect((await early).status).toBe(201);
    const reply = await late;
    expect([reply.status, reply.headers['x-hooktunnel-error']]).toEqual([504, 'local_timeout']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100 + RELAY_TIMEOUT_GRACE_MS - 5);
    // The one Abort is the second request's: the first one's deadline was cleared when it was answered.
    const abort = await client.next(MessageType.Abort);
    expect(abort).toMatchObject({ stream: second.stream, meta: { code: 'local_timeout' } });
    expect(client.messages.filter((m) => m.type === MessageType.Abort)).toHaveLength(1);
  });

  it('a client timeout longer than a Node timer can wait (listen --timeout 30d) keeps requests pending, with no 1 ms timer loop', async () => {
    const overflows: Error[] = [];
    const onWarning = (warning: Error) => warning.name === 'TimeoutOverflowWarning' && overflows.push(warning);
    process.on('warning', onWarning);
    onCleanup(() => process.off('warning', onWarning));
    const { url } = await startRelay();
    const client = await rawClient(url, { hello: { timeoutMs: 30 * 86_400_000 } });
    const welcome = (await client.next(MessageType.Welcome)) as Extract<Message, { type: MessageType.Welcome }>;
    const reply = send(`${welcome.meta.url}/slow`, { body: 'a' });
    const request = await client.next(MessageType.Request);
    // The relay armed its timer for this request before sending it; a warning is emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(overflows).toEqual([]);
    expect(client.messages.filter((m) => m.type === MessageType.Abort)).toEqual([]);
    client.ws.send(encode(MessageType.Response, request.stream, { status: 200, headers: [] }, Buffer.from('late'), true));
    expect((await reply).status).toBe(200);
  });

  it('cannot be faked by a local app: its X-Hooktunnel-Error header is dropped', async () => {
    const { url } = await startRelay();
    const app = await startLocalApp((_req, res) => res.writeHead(404, { 'X-Hooktunnel-Error': 'tunnel_not_found' }).end('app 404'));
    onCleanup(() => app.close());
    const session = await openSession(url, app.port);
    const reply = await send(`${session.welcome!.url}/x`, { body: 'x' });
    expect(reply.status).toBe(404);
    expect(reply.headers['x-hooktunnel-error']).toBeUndefined();
  });

  it('answers 400 bad_request to bytes that are not HTTP, and 404 to an upgrade at another path', async () => {
    const { url } = await startRelay();
    const reply = await rawHttp(url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toMatch(/x-hooktunnel-error: bad_request/i);
    expect(reply).toMatch(/\r\n\r\nmalformed HTTP request\nSend a well-formed HTTP\/1\.1 request\.\n$/);
    const elsewhere = await rawHttp(url, 'GET /t/x/ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(elsewhere).toMatch(/^HTTP\/1\.1 404 /);
    expect(elsewhere).toMatch(/x-hooktunnel-error: tunnel_not_found/i);
  });

  it('gives the answers Node would make itself the relay\'s shape: no Host, an unknown Expect, CONNECT, a head past Node\'s limit', async () => {
    const { url } = await startRelay({ limits: { maxHeaderBytes: 2048, maxUrlBytes: 1024 } });
    /** Status line, X-Hooktunnel-Error and body of a raw exchange the relay ends (Connection: close, or its own close). */
    const answer = async (bytes: string) => {
      const reply = await rawHttp(url, bytes);
      return { status: reply.split('\r\n')[0], code: /\r\nx-hooktunnel-error: ([^\r]*)/i.exec(reply)?.[1], body: reply.slice(reply.indexOf('\r\n\r\n') + 4) };
    };
    // HTTP/1.1 requires Host (RFC 9112 §3.2); HTTP/1.0 may leave it out, and is routed as usual.
    expect(await answer('POST /t/x/ HTTP/1.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi')).toEqual({
      status: 'HTTP/1.1 400 Bad Request',
      code: 'bad_request',
      body: 'an HTTP/1.1 request without a Host header\nSend the Host header (HTTP/1.1 requires it).\n',
    });
    expect(await answer('GET /t/x/ HTTP/1.0\r\n\r\n')).toMatchObject({ status: 'HTTP/1.1 404 Not Found', code: 'tunnel_not_found' });
    expect(await answer('POST /t/x/ HTTP/1.1\r\nHost: a\r\nExpect: foo\r\nContent-Length: 0\r\n\r\n')).toEqual({
      status: 'HTTP/1.1 417 Expectation Failed',
      code: 'expectation_failed',
      body: 'the relay cannot meet "Expect: foo"\nLeave the Expect header out, or send Expect: 100-continue, the only expectation HTTP defines.\n',
    });
    const connect = await rawHttp(url, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nAccept: application/json\r\n\r\n');
    expect(connect).toMatch(/^HTTP\/1\.1 501 Not Implemented\r\n/);
    expect(JSON.parse(connect.slice(connect.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'method_not_supported', message: 'the relay does not take CONNECT requests', hint: expect.stringContaining('CONNECT is for HTTP proxies') },
    });
    // Past Node's own limit (ours together, and 1 KiB) which part overflowed cannot be told (see clientError): both named.
    expect(await answer(`GET /t/x/${'u'.repeat(5000)} HTTP/1.1\r\nHost: a\r\n\r\n`)).toEqual({
      status: 'HTTP/1.1 431 Request Header Fields Too Large',
      code: 'headers_too_large',
      body: 'request line and headers together larger than 4096 bytes\nSend a shorter URL or fewer and smaller headers, or raise the relay\'s --max-url / --max-header-size.\n',
    });
  });

  it('carry the same headers whether written as a response or on the raw socket (malformed, CONNECT, too large, refused upgrade)', async () => {
    const { url } = await startRelay({ limits: { maxHeaderBytes: 2048, maxUrlBytes: 1024 } });
    /** What every error answer carries whatever its error: the type, no caching, no sniffing, and the relay's mark. */
    const shared = (header: (name: string) => string | undefined) => ({
      type: header('content-type'),
      cache: header('cache-control'),
      sniff: header('x-content-type-options'),
      marked: header('x-hooktunnel-error') !== undefined,
    });
    const rawHeaders = async (bytes: string) => {
      const reply = await rawHttp(url, bytes);
      const lines = reply.slice(0, reply.indexOf('\r\n\r\n')).split('\r\n').slice(1);
      const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      return (name: string) => headers.get(name);
    };
    const viaResponse = await send(`${url}/t/missing/x`, { body: 'x' });
    const expected = shared((name) => viaResponse.headers[name] as string | undefined);
    expect(expected).toEqual({ type: 'text/plain; charset=utf-8', cache: 'no-store', sniff: 'nosniff', marked: true });
    const onRawSocket = {
      malformed: 'NOT HTTP AT ALL\r\n\r\n',
      connect: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
      tooLarge: `GET /t/x/${'u'.repeat(5000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
      refusedUpgrade: 'GET /t/x/ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    };
    for (const [what, bytes] of Object.entries(onRawSocket)) expect([what, shared(await rawHeaders(bytes))]).toEqual([what, expected]);
  });

  it('answers 426 upgrade_required to the clients\' endpoint reached without Upgrade (a proxy dropped it), naming the fix', async () => {
    const { url } = await startRelay();
    const reply = await send(`${url}/_hooktunnel/connect`, { method: 'GET' });
    expect([reply.status, reply.headers['x-hooktunnel-error'], reply.headers.upgrade]).toEqual([426, 'upgrade_required', 'websocket']);
    expect(reply.body.toString()).toContain('a proxy in front of the relay does not pass the WebSocket Upgrade and Connection headers on');
  });

  it('answers Expect: 100-continue with the refusal, not "go on", so a refused body is never uploaded; an accepted one gets 100 first', async () => {
    const { url } = await startRelay();
    const head = (path: string) => `POST ${path} HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`;
    // Only the head is sent: a relay that said "100 Continue" would wait for the body, and this would time out.
    const refused = await rawHttp(url, head('/t/nobody/x'));
    expect(refused).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(refused).toMatch(/\r\nConnection: close\r\n/i);
    expect(refused).not.toContain('100 Continue');

    const app = await startLocalApp();
    onCleanup(() => app.close());
    const session = await openSession(url, app.port, { name: 'go' });
    const accepted = await rawHttp(url, `${head('/t/go/x').replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')}hello`);
    expect(accepted).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(app.received.map((r) => r.body.toString())).toEqual(['hello']);
    session.close();
  });

  it('answers 501 to a Transfer-Encoding other than chunked, which would reach the app still coded, and passes chunked alone', async () => {
    const { url } = await startRelay();
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const session = await openSession(url, app.port, { name: 'te' });
    const post = (codings: string) =>
      rawHttp(url, `POST /t/te/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ${codings}\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
    const gzip = await post('gzip, chunked');
    expect(gzip).toMatch(/^HTTP\/1\.1 501 Not Implemented\r\n/);
    expect(gzip).toMatch(/x-hooktunnel-error: unsupported_transfer_coding/i);
    expect(gzip).toContain('Transfer-Encoding "gzip, chunked" is not supported; only chunked is\n');
    expect(await post('chunked, chunked')).toMatch(/^HTTP\/1\.1 (400|501) /);
    expect(await post('chunked')).toMatch(/^HTTP\/1\.1 200 /);
    expect(app.received.map((r) => r.body.toString())).toEqual(['hello']);
    session.close();
  });
});

describe('--trust-proxy', () => {
  const proxyHeaders = { Host: 'hooks.example.com', 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' };

  it('forwards a subdomain request whose Host port no URL can hold, instead of ending the relay', async () => {
    const local = await startLocalApp();
    onCleanup(() => local.close());
    const { url } = await startRelay({ domain: 'hooks.test' });
    await openSession(url, local.port, { name: 'app' });
    const reply = await send(`${url}/x`, { method: 'GET', headers: ['Host', 'app.hooks.test:99999'] });
    expect(reply.status).toBe(200);
    expect(local.received.map((r) => r.url)).toEqual(['/x']);
    expect((await send(`${url}/healthz`, { method: 'GET' })).status).toBe(200);
  });

  it('prints https:// URLs when a trusted proxy says X-Forwarded-Proto: https, and ignores an untrusted one', async () => {
    const trusting = await startRelay({ trustProxy: ['127.0.0.1'] });
    const behind = await rawClient(trusting.url, { hello: {}, headers: proxyHeaders });
    const welcome = await behind.next(MessageType.Welcome);
    expect(welcome.type === MessageType.Welcome && welcome.meta.url).toMatch(/^https:\/\/hooks\.example\.com\/t\/[a-z2-7]{13}$/);

    const other = await startRelay({ trustProxy: ['192.0.2.1'] });
    const spoofing = await rawClient(other.url, { hello: {}, headers: proxyHeaders });
    const plain = await spoofing.next(MessageType.Welcome);
    expect(plain.type === MessageType.Welcome && plain.meta.url).toMatch(/^http:\/\/hooks\.example\.com\/t\//);
  });

  it('passes X-Forwarded-* on from a trusted proxy only', async () => {
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const header = (raw: string[], name: string) => {
      const at = raw.findIndex((value, i) => i % 2 === 0 && value.toLowerCase() === name);
      return at === -1 ? undefined : raw[at + 1];
    };
    const headers = ['X-Forwarded-Proto', 'https', 'X-Forwarded-For', '203.0.113.9'];
    for (const [trustProxy, proto, forwardedFor] of [
      [['127.0.0.1'], 'https', '203.0.113.9, 127.0.0.1'],
      [[], 'http', '127.0.0.1'],
    ] as const) {
      const { url } = await startRelay({ trustProxy: [...trustProxy] });
      const session = await openSession(url, app.port);
      await send(`${session.welcome!.url}/h`, { headers, body: 'x' });
      const seen = app.received.at(-1)!.rawHeaders;
      expect(header(seen, 'x-forwarded-proto')).toBe(proto);
      expect(header(seen, 'x-forwarded-for')).toBe(forwardedFor);
    }
  });
});
