// Helpers for relay tests: a relay on port 0, real tunnel sessions, raw WebSocket clients, and cleanup that always runs.

import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createRelay, type Relay } from '../../relay-server/relay.js';
import type { RelayOptions } from '../../relay-server/options.js';
import { parseTarget } from '../../src/forward/target.js';
import { CONNECT_PATH, decode, encode, MessageType, PROTOCOL_VERSION, type AckSettings, type HelloMeta, type Message } from '../../src/protocol.js';
import { Session } from '../../src/session.js';
import { waitFor } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';

export { onCleanup };

export async function startRelay(options: Partial<RelayOptions> = {}): Promise<{ relay: Relay; url: string }> {
  const relay = createRelay({ port: 0, host: '127.0.0.1', ...options });
  const url = await relay.start();
  onCleanup(() => relay.close());
  return { relay, url };
}

/** A real tunnel (tunnel client + forwarder, no store) to `targetPort`; resolves once the relay welcomed it. */
export async function openSession(
  relayUrl: string,
  targetPort: number,
  options: { token?: string; name?: string; force?: boolean; timeoutMs?: number; retry?: boolean; ack?: AckSettings } = {},
): Promise<Session> {
  const session = new Session({
    target: parseTarget(String(targetPort)),
    relayUrl,
    token: options.token,
    name: options.name,
    force: options.force,
    timeoutMs: options.timeoutMs ?? 30_000,
    hostHeader: 'rewrite',
    retry: options.retry ?? false,
    store: null,
    ack: options.ack,
  });
  onCleanup(() => session.close());
  await session.start();
  return session;
}

/** Like openSession, but resolves with the fatal error the relay answered with. */
export async function refusedSession(relayUrl: string, options: { token?: string; name?: string; force?: boolean } = {}): Promise<Error> {
  return openSession(relayUrl, 1, options).then(
    () => {
      throw new Error('the relay accepted a session that should have been refused');
    },
    (error: Error) => error,
  );
}

export interface RawClient {
  ws: WebSocket;
  messages: Message[];
  /** Close code and reason, once the relay closed the connection. */
  closed: Promise<{ code: number; reason: string }>;
  next(type: MessageType): Promise<Message>;
}

export const connectUrl = (relayUrl: string) => relayUrl.replace(/^http/, 'ws') + CONNECT_PATH;

/** A bare ws client (no reconnects, no validation of its own frames); sends HELLO when `hello` is given. */
export async function rawClient(
  relayUrl: string,
  options: { token?: string; hello?: Partial<HelloMeta>; headers?: Record<string, string> } = {},
): Promise<RawClient> {
  const headers = { ...options.headers, ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) };
  const ws = new WebSocket(connectUrl(relayUrl), { headers, perMessageDeflate: false });
  const messages: Message[] = [];
  ws.on('message', (data: Buffer) => messages.push(decode(data)));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  onCleanup(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  if (options.hello) ws.send(encode(MessageType.Hello, 0, { version: PROTOCOL_VERSION, timeoutMs: 30_000, ...options.hello }));
  return {
    ws,
    messages,
    closed,
    next: (type) => waitFor(() => messages.find((m) => m.type === type), `a ${MessageType[type]} message`),
  };
}

/** Attempts a WebSocket upgrade and returns the HTTP status (101 when it succeeded) with headers and body. */
export function upgrade(relayUrl: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(connectUrl(relayUrl), { headers, perMessageDeflate: false });
    ws.on('error', () => {});
    ws.once('open', () => {
      resolve({ status: 101, headers: {}, body: '' });
      ws.terminate();
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
  });
}

/** Sends raw bytes on a fresh TCP connection and returns everything the server wrote before closing. */
export function rawHttp(relayUrl: string, bytes: string | Buffer): Promise<string> {
  const { port } = new URL(relayUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    let data = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve(data));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(data) : reject(error)));
  });
}

/** A free loopback port, for programs that cannot take port 0 (nginx): bound by us, then released. */
export { freePort } from '../helpers/http.js';
