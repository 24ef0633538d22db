// Every public-request and connection limit, crossed by exactly one byte or one unit, with the exact status and code.

import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type RelayLimits } from '../../relay-server/options.js';
import { encode, MessageType } from '../../src/protocol.js';
import { send, startLocalApp, waitFor, type LocalApp } from '../helpers/http.js';
import { onCleanup, openSession, rawClient, rawHttp, startRelay, upgrade } from './helpers.js';

async function app(handler?: Parameters<typeof startLocalApp>[0]): Promise<LocalApp> {
  const local = await startLocalApp(handler);
  onCleanup(() => local.close());
  return local;
}

/** A relay with one tunnel named "t" to a recording local app. */
async function tunnel(limits: Partial<RelayLimits> = {}, handler?: Parameters<typeof startLocalApp>[0]) {
  const local = await app(handler);
  const { url } = await startRelay({ limits });
  await openSession(url, local.port, { name: 't' });
  return { url, local };
}

/** A raw request: exact header lines, Connection: close. Returns status line and the X-Hooktunnel-Error value. */
async function raw(url: string, target: string, headers: [string, string][] = [], body = '') {
  const lines = [`POST ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', `Content-Length: ${body.length}`, ...headers.map(([n, v]) => `${n}: ${v}`)];
  const reply = await rawHttp(url, `${lines.join('\r\n')}\r\n\r\n${body}`);
  return { status: Number(reply.split(' ')[1]), code: /x-hooktunnel-error: (\S+)/i.exec(reply)?.[1], reply };
}

/** POSTs a chunked body (no Content-Length), in pieces of `piece` bytes. */
function sendChunked(url: string, total: number, piece = 300): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, code: res.headers['x-hooktunnel-error'] as string | undefined }));
    });
    req.on('error', reject);
    for (let sent = 0; sent < total; sent += piece) req.write(Buffer.alloc(Math.min(piece, total - sent), 0x61));
    req.end();
  });
}

describe('defaults', () => {
  it('match shared/DEFAULTS.md', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      maxBodyBytes: 26_214_400,
      maxHeaderBytes: 16_384,
      maxHeaderCount: 100,
      maxUrlBytes: 8_192,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      maxInFlightPerTunnel: 200,
      ratePerSecond: 200,
      rateBurst: 1_000,
      maxPayloadBytes: 16 * 1024 * 1024,
      handshakeTimeoutMs: 5_000,
      maxAuthFailures: 10,
      authWindowMs: 60_000,
      drainTimeoutMs: 30_000,
    });
  });
});

describe('request body', () => {
  it('passes a Content-Length body at the limit and answers 413 body_too_large one byte over', async () => {
    const { url, local } = await tunnel({ maxBodyBytes: 1000 });
    expect((await raw(url, '/t/t/ok', [], 'a'.repeat(1000))).status).toBe(200);
    expect(local.received[0].body.length).toBe(1000);
    expect(await raw(url, '/t/t/big', [], 'a'.repeat(1001))).toMatchObject({ status: 413, code: 'body_too_large' });
    expect(local.received).toHaveLength(1);
  });

  it('counts a chunked body while it streams: 413 one byte over, even without Content-Length', async () => {
    const { url, local } = await tunnel({ maxBodyBytes: 1000 });
    expect(await sendChunked(`${url}/t/t/ok`, 1000)).toMatchObject({ status: 200 });
    expect(local.received[0].body.length).toBe(1000);
    expect(await sendChunked(`${url}/t/t/big`, 1001)).toEqual({ status: 413, code: 'body_too_large' });
    expect(local.received).toHaveLength(1);
  });
});

describe('request head', () => {
  it('answers 431 headers_too_large for one header more than the limit (counted on rawHeaders)', async () => {
    const { url } = await tunnel({ maxHeaderCount: 10 });
    const extra = (n: number) => Array.from({ length: n }, (_, i): [string, string] => [`X-H${i}`, 'v']);
    // Host, Connection and Content-Length are three of them.
    expect((await raw(url, '/t/t/', extra(7))).status).toBe(200);
    expect(await raw(url, '/t/t/', extra(8))).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('answers 431 headers_too_large one byte past the header size limit', async () => {
    const { url } = await tunnel({ maxHeaderBytes: 2000 });
    // Each line counts as `name: value\r\n`; Host, Connection and Content-Length (0) take 17 + 19 + 19 bytes.
    const pad = (bytes: number): [string, string] => ['X-Pad', 'p'.repeat(bytes - 55 - 'X-Pad: \r\n'.length)];
    expect((await raw(url, '/t/t/', [pad(2000)])).status).toBe(200);
    expect(await raw(url, '/t/t/', [pad(2001)])).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('answers 414 uri_too_long one byte past the URL limit', async () => {
    const { url } = await tunnel({ maxUrlBytes: 500 });
    const target = (bytes: number) => `/t/t/${'u'.repeat(bytes - 5)}`;
    expect((await raw(url, target(500))).status).toBe(200);
    expect(await raw(url, target(501))).toMatchObject({ status: 414, code: 'uri_too_long' });
  });

  it('answers 408 request_timeout to a head that never finishes (slowloris)', async () => {
    const { url } = await startRelay({ limits: { headersTimeoutMs: 300 } });
    const reply = await rawHttp(url, 'POST /t/x/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply).toMatch(/x-hooktunnel-error: request_timeout/i);
  });

  it('answers 408 request_timeout to a body that never finishes', async () => {
    const { url } = await tunnel({ requestTimeoutMs: 400, headersTimeoutMs: 400 });
    const reply = await rawHttp(url, 'POST /t/t/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nhalf');
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply).toMatch(/x-hooktunnel-error: request_timeout/i);
  });

  it('says a body that stopped arriving was the body, tells the tunnel client request_timeout (not sender_gone), and counts the 408', async () => {
    const { url } = await startRelay({ limits: { requestTimeoutMs: 400, headersTimeoutMs: 400 } });
    const client = await rawClient(url, { hello: { name: 't' } });
    await client.next(MessageType.Welcome);
    const reply = await rawHttp(url, 'POST /t/t/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nhalf');
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
    expect(reply).toContain('\r\n\r\nthe request body did not arrive within 0.4 s\n');
    const request = await client.next(MessageType.Request);
    const abort = await waitFor(() => client.messages.find((m) => m.type === MessageType.Abort && m.stream === request.stream), 'the abort');
    expect(abort).toMatchObject({ meta: { code: 'request_timeout' } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('hooktunnel_requests_total{status="408"} 1');
    expect(metrics).not.toContain('status="499"');
  });
});

describe('per tunnel', () => {
  it('answers 503 tunnel_busy with Retry-After for one request more than may be in flight', async () => {
    const held: http.ServerResponse[] = [];
    const { url, local } = await tunnel({ maxInFlightPerTunnel: 2 }, (_req, res) => held.push(res));
    const first = [raw(url, '/t/t/1'), raw(url, '/t/t/2')];
    await waitFor(() => local.received.length === 2, 'two requests at the app');
    const third = await raw(url, '/t/t/3');
    expect(third).toMatchObject({ status: 503, code: 'tunnel_busy' });
    expect(third.reply).toMatch(/Retry-After: 1\r\n/);
    for (const res of held) res.end('done');
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
  });

  it('answers 429 rate_limited with Retry-After once the burst is spent', async () => {
    // One token per 100 s: nothing refills during the test.
    const { url } = await tunnel({ ratePerSecond: 0.01, rateBurst: 3 });
    for (let i = 0; i < 3; i++) expect((await raw(url, `/t/t/${i}`)).status).toBe(200);
    const over = await raw(url, '/t/t/4');
    expect(over).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(/Retry-After: (\d+)/.exec(over.reply)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('cuts off a sender that reads nothing of its answer after slowReaderTimeoutMs, so the tunnel\'s other senders get theirs', async () => {
    const { url } = await startRelay({ limits: { slowReaderTimeoutMs: 300 } });
    const client = await rawClient(url, { hello: { name: 't' } });
    await client.next(MessageType.Welcome);
    const streamOf = (path: string) => waitFor(() => client.messages.find((m) => m.type === MessageType.Request && m.meta.path === path), `the request for ${path}`);

    // Reads nothing: once the kernel's buffers are full, the relay holds the tunnel's reads for this answer.
    const slow = net.connect(Number(new URL(url).port), '127.0.0.1', () => slow.write('GET /t/t/big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    slow.pause();
    slow.on('error', () => {});
    onCleanup(() => slow.destroy());
    const big = await streamOf('/big');
    client.ws.send(encode(MessageType.Response, big.stream, { status: 200, headers: [] }));
    const mib = Buffer.alloc(1024 * 1024, 0x62);
    for (let i = 0; i < 48; i++) client.ws.send(encode(MessageType.ResponseBody, big.stream, null, mib));

    // Another sender meanwhile: its answer reaches it once the slow one is cut off, and the tunnel stays up.
    const reply = send(`${url}/t/t/quick`, { body: 'q' });
    const quick = await streamOf('/quick');
    client.ws.send(encode(MessageType.Response, quick.stream, { status: 200, headers: [] }, Buffer.from('quick answer'), true));
    expect((await reply).body.toString()).toBe('quick answer');
    const abort = await waitFor(() => client.messages.find((m) => m.type === MessageType.Abort && m.stream === big.stream), 'the slow sender\'s abort');
    expect(abort).toMatchObject({ meta: { code: 'sender_gone', message: expect.stringContaining('took nothing of the answer (one frame) for 0.3 s') } });
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('has no rate limit when ratePerSecond is 0 (the embedded relay)', async () => {
    const { url } = await tunnel({ ratePerSecond: 0, rateBurst: 1 });
    for (let i = 0; i < 5; i++) expect((await raw(url, `/t/t/${i}`)).status).toBe(200);
  });
});

describe('tunnel connections', () => {
  it('closes a client with 1009 for a frame one byte over maxPayload, and keeps one at the limit', async () => {
    const { url } = await startRelay({ limits: { maxPayloadBytes: 1024 } });
    const client = await rawClient(url, { hello: {} });
    await client.next(MessageType.Welcome);
    const frame = (bytes: number) => encode(MessageType.ResponseBody, 77, null, Buffer.alloc(bytes - 10));
    client.ws.send(frame(1024));
    // The relay answers the ping only after it read the frame before it, so the pong proves it kept the connection.
    const pong = new Promise((resolve) => client.ws.once('pong', resolve));
    client.ws.ping();
    await pong;
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.ws.send(frame(1025));
    expect((await client.closed).code).toBe(1009);
  });

  it('drops a client that does not say HELLO within the handshake timeout', async () => {
    const { url } = await startRelay({ limits: { handshakeTimeoutMs: 200 } });
    const client = await rawClient(url);
    expect((await client.closed).code).toBe(1006);
    expect(client.messages).toEqual([]);
  });

  it('answers 429 rate_limited to one more half-open handshake per IP than allowed', async () => {
    const { url } = await startRelay({ limits: { maxPendingPerIp: 2 } });
    await rawClient(url);
    const second = await rawClient(url);
    const refused = await upgrade(url);
    expect(refused.status).toBe(429);
    expect(refused.headers['x-hooktunnel-error']).toBe('rate_limited');
    expect(refused.headers['retry-after']).toBe('1');
    // A handshake that completes frees its place.
    second.ws.send(encode(MessageType.Hello, 0, { version: 1, timeoutMs: 1000 }));
    await second.next(MessageType.Welcome);
    expect((await upgrade(url)).status).toBe(101);
  });
});
