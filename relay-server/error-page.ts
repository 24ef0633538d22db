// Answers a sender with an error made by hooktunnel: the right status, an X-Hooktunnel-Error code,
// and a short body saying what happened and what to do (JSON for API callers, plain text otherwise).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_HEADER, ERROR_STATUS, type ErrorCode } from '../src/protocol.js';

const HINTS: Partial<Record<ErrorCode, string>> = {
  tunnel_not_found: 'Check the URL; run `hooktunnel listen` to open a tunnel.',
  tunnel_offline: 'The developer\'s hooktunnel is not connected; retry later.',
  tunnel_disconnected: 'The developer\'s hooktunnel disconnected while handling this request; retry.',
  local_unreachable: 'Start the local app, or point `hooktunnel listen` at the port it listens on.',
  local_error: 'The local app closed the connection before finishing its answer.',
  local_timeout: 'The local app took too long; raise `hooktunnel listen --timeout` (0 waits forever).',
  body_too_large: 'Send a smaller body, or raise the relay\'s --max-body.',
  headers_too_large: 'Send fewer or smaller headers.',
  uri_too_long: 'Send a shorter URL.',
  rate_limited: 'Slow down; see Retry-After.',
  tunnel_busy: 'Too many requests in flight for this tunnel; see Retry-After.',
  relay_draining: 'The relay is restarting; see Retry-After.',
};

export interface ErrorAnswer {
  code: ErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

/** Writes the error response unless headers already went out; then the connection is cut so the sender sees a failure. */
export function sendError(req: IncomingMessage | undefined, res: ServerResponse, answer: ErrorAnswer, closeConnection = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = ERROR_STATUS[answer.code];
  const hint = HINTS[answer.code];
  const wantsJson = /json/i.test(req?.headers.accept ?? '');
  const body = wantsJson
    ? JSON.stringify({ error: { code: answer.code, message: answer.message, hint: hint ?? null } }) + '\n'
    : `${answer.message}\n${hint ? `${hint}\n` : ''}`;
  const headers: Record<string, string | number> = {
    'Content-Type': wantsJson ? 'application/json' : 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    [ERROR_HEADER]: answer.code,
  };
  if (answer.retryAfterSeconds !== undefined) headers['Retry-After'] = answer.retryAfterSeconds;
  // The request body was not (fully) read: keeping the connection would make Node read it into the void.
  if (closeConnection) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}
