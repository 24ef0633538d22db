// The forwarder against a real local app on port 0: undici's path and the node:http fallback, exact bytes both ways.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Forwarder, type ForwardErrorCode, type ForwardRequest } from '../../src/forward/forwarder.js';
import { parseTarget } from '../../src/forward/target.js';
import type { HeaderPairs } from '../../src/protocol.js';
import { sha256 } from '../helpers/http.js';

interface Seen {
  rawHeaders: string[];
  body: Buffer;
}

interface Outcome {
  status: number | null;
  headers: HeaderPairs;
  body: Buffer;
  lastFlags: boolean[];
  error?: { code: ForwardErrorCode; message: string };
}

let server: http.Server;
let port: number;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ rawHeaders: req.rawHeaders, body });
      if (req.url === '/early-hints') res.writeEarlyHints({ link: '</a.css>; rel=preload' });
      if (req.url === '/slow') return; // never answers
      res.writeHead(201, ['Set-Cookie', 'a=1', 'X-Custom', 'One', 'set-cookie', 'b=2', 'Content-Length', String(body.length)]);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function forward(request: ForwardRequest, timeoutMs = 5000, target = `http://127.0.0.1:${port}`): Promise<Outcome> {
  const forwarder = new Forwarder(parseTarget(target), { timeoutMs, hostHeader: 'rewrite' });
  return new Promise<Outcome>((resolve) => {
    const outcome: Outcome = { status: null, headers: [], body: Buffer.alloc(0), lastFlags: [] };
    const chunks: Buffer[] = [];
    const done = () => {
      outcome.body = Buffer.concat(chunks);
      resolve(outcome);
    };
    forwarder.forward(request, {
      onResponse(status, headers) {
        outcome.status = status;
        outcome.headers = headers;
      },
      onData(chunk, last) {
        // Copied: the forwarder may hand out views of a buffer it reuses.
        chunks.push(Buffer.from(chunk));
        outcome.lastFlags.push(last);
      },
      onEnd: done,
      onError(code, message) {
        outcome.error = { code, message };
        done();
      },
    });
  }).finally(() => forwarder.close());
}

const flatOf = (raw: string[]) => raw.map((v, i) => (i % 2 === 0 ? `${v}: ${raw[i + 1]}` : null)).filter((v) => v !== null);

describe('forwarder', () => {
  it('sends the body byte for byte and keeps header order, case and duplicates both ways', async () => {
    const body = randomBytes(3000);
    const headers: HeaderPairs = [['X-Dup', 'first'], ['Content-Type', 'application/octet-stream'], ['x-dup', 'second'], ['Content-Length', '3000'], ['X-Dup', 'third']];
    const outcome = await forward({ method: 'POST', path: '/exact?q=%2F', headers, body });
    expect(outcome.status).toBe(201);
    expect(sha256(outcome.body)).toBe(sha256(body));
    expect(outcome.lastFlags.at(-1)).toBe(true);
    const request = seen.at(-1)!;
    expect(sha256(request.body)).toBe(sha256(body));
    const sent = flatOf(request.rawHeaders).filter((h) => /^(x-dup|content-type)/i.test(h));
    expect(sent).toEqual(['X-Dup: first', 'Content-Type: application/octet-stream', 'x-dup: second', 'X-Dup: third']);
    expect(outcome.headers.filter(([name]) => /cookie|custom/i.test(name))).toEqual([
      ['Set-Cookie', 'a=1'],
      ['X-Custom', 'One'],
      ['set-cookie', 'b=2'],
    ]);
  });

  it('streams a body that arrives in pieces (the recorder reading it too) without losing the first ones', async () => {
    const parts = [randomBytes(100_000), randomBytes(5), randomBytes(70_000)];
    const body = Readable.from(parts);
    const recorded: Buffer[] = [];
    body.on('data', (chunk: Buffer) => recorded.push(chunk));
    const outcome = await forward({ method: 'POST', path: '/stream', headers: [], body });
    expect(outcome.error).toBeUndefined();
    expect(sha256(seen.at(-1)!.body)).toBe(sha256(Buffer.concat(parts)));
    expect(sha256(Buffer.concat(recorded))).toBe(sha256(Buffer.concat(parts)));
    expect(sha256(outcome.body)).toBe(sha256(Buffer.concat(parts)));
  });

  it('sends a request with Expect: 100-continue through the node:http path, header kept', async () => {
    const outcome = await forward({ method: 'POST', path: '/expect', headers: [['Expect', '100-continue'], ['Content-Length', '2']], body: Buffer.from('hi') });
    expect(outcome.status).toBe(201);
    expect(outcome.body.toString()).toBe('hi');
    expect(flatOf(seen.at(-1)!.rawHeaders)).toContain('Expect: 100-continue');
  });

  it('skips a 103 Early Hints and reports the final answer', async () => {
    const outcome = await forward({ method: 'POST', path: '/early-hints', headers: [], body: Buffer.from('x') });
    expect(outcome.status).toBe(201);
    expect(outcome.body.toString()).toBe('x');
  });

  it('answers local_timeout when the app does not answer in time', async () => {
    const outcome = await forward({ method: 'POST', path: '/slow', headers: [], body: Buffer.from('x') }, 300);
    expect(outcome.error?.code).toBe('local_timeout');
    expect(outcome.error?.message).toContain('did not answer within 0.3 s');
  });

  it('answers local_unreachable when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await forward({ method: 'POST', path: '/', headers: [], body: Buffer.from('x') }, 5000, `http://127.0.0.1:${freePort}`);
    expect(outcome.error?.code).toBe('local_unreachable');
    expect(outcome.error?.message).toContain('connection refused');
  });
});
