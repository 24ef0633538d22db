// Answers a sender with an error made by hooktunnel: the right status, an X-Hooktunnel-Error code,
// and a short body saying what happened and what to do (JSON for API callers, plain text otherwise).

import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_HEADER, ERROR_STATUS, UPGRADE_DROPPED_HINT, type ErrorCode } from '../src/protocol.js';

const HINTS: Partial<Record<ErrorCode, string>> = {
  tunnel_not_found: 'Check the URL; run `hooktunnel listen` to open a tunnel.',
  upgrade_required: UPGRADE_DROPPED_HINT,
  tunnel_offline: 'The developer\'s hooktunnel is not connected right now; retry after Retry-After seconds.',
  tunnel_disconnected: 'The developer\'s hooktunnel disconnected while handling this request; retry.',
  local_unreachable: 'Start the local app, or point hooktunnel at the port it listens on: `hooktunnel listen <port>`, or the route in hooktunnel.yml.',
  local_error: 'The local app closed the connection before finishing its answer, or answered with something HTTP does not allow.',
  local_timeout: 'The local app took too long; raise `hooktunnel listen --timeout` (0 waits forever).',
  body_too_large: 'Send a smaller body, or raise the relay\'s --max-body.',
  headers_too_large: 'Send fewer or smaller headers, or raise the relay\'s --max-header-size / --max-headers.',
  uri_too_long: 'Send a shorter URL, or raise the relay\'s --max-url.',
  rate_limited: 'Slow down; see Retry-After.',
  tunnel_busy: 'Too many requests in flight for this tunnel; see Retry-After.',
  relay_draining: 'The relay is restarting; see Retry-After.',
  queue_full: 'The relay cannot hold more requests for this tunnel right now; retry after Retry-After seconds.',
  bad_request: 'Send a well-formed HTTP/1.1 request.',
  expectation_failed: 'Leave the Expect header out, or send Expect: 100-continue, the only expectation HTTP defines.',
  method_not_supported: 'Send the request to its tunnel URL directly: CONNECT is for HTTP proxies, and the relay is not one.',
  unsupported_transfer_coding: 'Send the body chunked or with a Content-Length; compress it with Content-Encoding instead.',
  request_timeout: 'Send the whole request without long pauses (the relay\'s --headers-timeout and --request-timeout).',
  unauthorized: 'Pass a token the relay knows: `hooktunnel listen --token`, HOOKTUNNEL_TOKEN, or `hooktunnel login`.',
};

/** For a refusal caused by the cluster's Redis, which the code's own hint would blame on the developer's hooktunnel. */
export const CLUSTER_DIRECTORY_HINT = 'The relay cannot reach its cluster directory right now; retry after Retry-After seconds.';

/** The body of an error page: JSON for API callers (Accept mentions json), plain text otherwise. */
function errorBody(accept: string | undefined, answer: ErrorAnswer): { type: string; body: string } {
  const hint = answer.hint ?? HINTS[answer.code];
  if (/json/i.test(accept ?? '')) {
    return { type: 'application/json', body: JSON.stringify({ error: { code: answer.code, message: answer.message, hint: hint ?? null } }) + '\n' };
  }
  return { type: 'text/plain; charset=utf-8', body: `${answer.message}\n${hint ? `${hint}\n` : ''}` };
}

interface ErrorPage {
  status: number;
  /** Always given: a writeHead that threw (a client's header HTTP does not allow) already set one ("502 OK"). */
  reason: string;
  headers: [string, string][];
  body: string;
}

/**
 * Status, headers and body of every error answer the relay writes, through a ServerResponse (sendError) or on a raw
 * socket (rejectSocket): made in one place, so the two cannot drift apart (the raw ones once lacked nosniff).
 */
function errorPage(accept: string | undefined, answer: ErrorAnswer): ErrorPage {
  const status = ERROR_STATUS[answer.code];
  const { type, body } = errorBody(accept, answer);
  const headers: [string, string][] = [
    ['Content-Type', type],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Cache-Control', 'no-store'],
    // The message quotes the sender's path: a browser must read it as the text it is said to be, never sniff HTML.
    ['X-Content-Type-Options', 'nosniff'],
    [ERROR_HEADER, answer.code],
  ];
  if (answer.retryAfterSeconds !== undefined) headers.push(['Retry-After', String(answer.retryAfterSeconds)]);
  return { status, reason: STATUS_CODES[status] ?? 'Error', headers, body };
}

export interface ErrorAnswer {
  code: ErrorCode;
  message: string;
  retryAfterSeconds?: number;
  /** What the sender can do, when the code's own hint (HINTS) would mislead. */
  hint?: string;
}

/**
 * Writes the error response unless headers already went out (then the connection is cut so the sender sees a failure).
 * `bodyPending`: the request body may still be arriving; it is drained (see linger) rather than left unread.
 */
export function sendError(req: IncomingMessage | undefined, res: ServerResponse, answer: ErrorAnswer, bodyPending = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const page = errorPage(req?.headers.accept, answer);
  res.writeHead(page.status, page.reason, Object.fromEntries(page.headers));
  res.end(page.body);
  if (bodyPending && req && !req.complete) linger(req);
}

/** How long a sender may go on sending a refused body before its connection is cut. */
const LINGER_MS = 10_000;
const lingering = new WeakSet<object>();

/**
 * Lingering close, as nginx does it: the rest of a refused body is read and dropped (Node discards it on a kept-alive
 * connection), so the sender, or a proxy still streaming the body, reads our answer instead of a connection reset.
 * Bounded: a body still arriving after LINGER_MS loses its connection.
 * Once the body is in, nothing of the refusal stays on a connection the sender keeps alive (a proxy such as Caddy sends
 * thousands of requests on one): not a listener per refused request, nor the mark that would cut its next request's
 * own error answer short (isLingering).
 */
function linger(req: IncomingMessage): void {
  const socket = req.socket;
  lingering.add(socket);
  req.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  const done = () => {
    clearTimeout(timer);
    lingering.delete(socket);
    socket.off('close', done);
  };
  req.once('end', done);
  socket.once('close', done);
}

/** Has this socket already been answered (and is only draining a refused body)? Then no second answer may follow. */
export function isLingering(socket: object): boolean {
  return lingering.has(socket);
}

/**
 * Answers on a raw socket that has no ServerResponse (a refused WebSocket upgrade, a head Node could not parse),
 * then closes it. The status comes before the upgrade completes, so a client sees it as an HTTP error.
 */
export function rejectSocket(socket: Duplex, accept: string | undefined, answer: ErrorAnswer, extraHeaders: [string, string][] = []): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const page = errorPage(accept, answer);
  const headers = [['Connection', 'close'], ...page.headers, ...extraHeaders].map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${page.status} ${page.reason}\r\n${headers.join('')}\r\n${page.body}`);
}
