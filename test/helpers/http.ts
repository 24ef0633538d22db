// Test helpers: a local app that records what it receives, and a client that sends exact bytes.

import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup.js';

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export interface Received {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
  sha256: string;
}

export interface LocalApp {
  port: number;
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const defaultHandler: Handler = (_req, res, body) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ ok: true, sha256: sha256(body) }));
};

/** A real node:http app on an ephemeral port (or `port`) that records every request it gets. */
export async function startLocalApp(handler: Handler = defaultHandler, host = '127.0.0.1', port = 0): Promise<LocalApp> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body, sha256: sha256(body) });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Reply {
  status: number;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Sends a request with headers exactly as given (flat [name, value, ...] list) and reads the whole reply. */
export function send(url: string, options: { method?: string; headers?: string[]; body?: Buffer | string; agent?: http.Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        // Raw path as given, not normalised by URL (tests send paths like //169.254.169.254/x).
        path: url.slice(url.indexOf('/', url.indexOf('//') + 2)),
        method: options.method ?? 'POST',
        // A flat header list gets no automatic Host from node:http; HTTP/1.1 requires one.
        headers: hasHost(options.headers) ? options.headers! : ['Host', target.host, ...(options.headers ?? [])],
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const hasHost = (flat: string[] = []) => flat.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'host');

/** Waits until `check` returns a truthy value, polling; fails after `timeoutMs` with `what`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A port that was free a moment ago, for a server a child process will bind (port 0 cannot be passed on). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `server` on an ephemeral loopback port, closed (its connections cut) after the test; its base URL. */
export async function serveOnLoopback(server: http.Server): Promise<string> {
  onCleanup(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

