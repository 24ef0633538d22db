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
  local_unreachable: 'Start the local app, or point `hooktunnel listen` at the port it listens on.',
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
  const status = ERROR_STATUS[answer.code];
  const { type, body } = errorBody(req?.headers.accept, answer);
  const headers: Record<string, string | number> = {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    // The message quotes the sender's path: a browser must read it as the text it is said to be, never sniff HTML.
    'X-Content-Type-Options': 'nosniff',
    [ERROR_HEADER]: answer.code,
  };
  if (answer.retryAfterSeconds !== undefined) headers['Retry-After'] = answer.retryAfterSeconds;
  // The reason phrase is given: a writeHead that threw (a client's header HTTP does not allow) already set one ("502 OK").
  res.writeHead(status, STATUS_CODES[status] ?? 'Error', headers);
  res.end(body);
  if (bodyPending && req && !req.complete) linger(req);
}

/** How long a sender may go on sending a refused body before its connection is cut. */
const LINGER_MS = 10_000;
const lingering = new WeakSet<object>();

/**
 * Lingering close, as nginx does it: the rest of a refused body is read and dropped (Node discards it on a kept-alive
 * connection), so the sender, or a proxy still streaming the body, reads our answer instead of a connection reset.
 * Bounded: a body still arriving after LINGER_MS loses its connection.
 */
function linger(req: IncomingMessage): void {
  const socket = req.socket;
  lingering.add(socket);
  req.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  const done = () => clearTimeout(timer);
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
export function rejectSocket(socket: Duplex, accept: string | undefined, answer: ErrorAnswer, extraHeaders: string[] = []): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = ERROR_STATUS[answer.code];
  const { type, body } = errorBody(accept, answer);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    `Content-Type: ${type}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    `${ERROR_HEADER}: ${answer.code}`,
    ...(answer.retryAfterSeconds !== undefined ? [`Retry-After: ${answer.retryAfterSeconds}`] : []),
    ...extraHeaders,
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
