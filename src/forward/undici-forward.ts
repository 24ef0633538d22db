// The hot forward path: undici's Pool with a dispatch handler, no ClientRequest, no IncomingMessage stream, no
// per-request timer. Response headers arrive as undici's raw [name, value] buffers (order, case, duplicates kept) and
// body chunks as the socket delivered them. Measured in BENCHMARKS.md: it replaced node:http, the CLI's biggest cost.

import { createRequire } from 'node:module';
import { PassThrough, type Readable } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import { stripHopByHop } from '../http-headers.js';
import type { HeaderPairs } from '../protocol.js';
import type { ForwardErrorCode, ForwardHandle, ForwardHandlers, ForwardRequest } from './forward-types.js';
import { describeError, lookupLocalhost } from './forward-errors.js';
import { upstreamPath, type Target } from './target.js';

// The Pool alone: undici's index also loads fetch, WebSocket, the cache and the mock agents, about 9 MiB of RSS in a
// process that forwards with a Pool and nothing else. undici 7 keeps it at this path (a CommonJS module, no exports map).
const UndiciPool = createRequire(import.meta.url)('undici/lib/dispatcher/pool.js') as typeof Pool;

/** Sockets to one local origin: kept alive and bounded, as the node:http agent was (128). */
export function createPool(target: Target, timeoutMs: number): Pool {
  const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
  return new UndiciPool(`${target.protocol}//${host}:${target.port}`, {
    connections: 128,
    // One request per connection at a time: webhooks are POSTs, and pipelining a non-idempotent request to an app
    // that closes the connection could deliver it twice.
    pipelining: 1,
    // The local timeout covers the wait for the response head; a slow body is not cut off (as with node:http).
    headersTimeout: timeoutMs,
    bodyTimeout: 0,
    connect: target.hostname === 'localhost' ? { lookup: lookupLocalhost, autoSelectFamily: true } : undefined,
  });
}

/** Requests undici would refuse or rewrite in a way a sender would notice; they take the node:http path. */
export function needsNodeHttp(method: string, headers: HeaderPairs): boolean {
  if (method === 'CONNECT') return true;
  for (const [name] of headers) if (name.length === 6 && name.toLowerCase() === 'expect') return true;
  return false;
}

/**
 * Sends one request through the pool. Host and Content-Length are written by undici (lower-case, Host first and
 * Content-Length last); every other header goes out in the sender's order and case, duplicates kept.
 * `fallback` runs instead when undici refuses the request before sending anything (a header it will not write).
 */
export function forwardWithUndici(
  pool: Pool,
  target: Target,
  timeoutMs: number,
  request: ForwardRequest,
  headers: HeaderPairs,
  handlers: ForwardHandlers,
  fallback: () => ForwardHandle,
): ForwardHandle {
  const handler = new ForwardHandler(target, timeoutMs, request, handlers, fallback);
  const flat: string[] = [];
  for (const [name, value] of headers) flat.push(name, value);
  pool.dispatch({ method: request.method, path: upstreamPath(target, request.path), headers: flat, body: bodyFor(request.body) }, handler);
  return handler;
}

/**
 * A streamed body is piped into a PassThrough now: undici starts reading only once it has a socket, and the recorder
 * already reads the same stream, so without a reader attached at once the first chunks would flow past undici.
 * The pipe keeps backpressure; a body cut off mid-way (tunnel dropped) fails the upstream request.
 */
function bodyFor(body: Buffer | Readable): Buffer | Readable {
  if (Buffer.isBuffer(body)) return body;
  const copy = new PassThrough();
  body.once('error', (error) => copy.destroy(error));
  return body.pipe(copy);
}

/** undici's dispatch handler (the callback API its own request() is built on). Also the request's ForwardHandle. */
class ForwardHandler implements Dispatcher.DispatchHandler, ForwardHandle {
  private settled = false;
  private started = false;
  private status = 0;
  private paused = false;
  private expected = -1;
  private received = 0;
  private bodyFailed = false;
  private abortUpstream: ((reason?: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  /** The node:http forward that took over, when undici refused the request. */
  private delegate: ForwardHandle | undefined;

  constructor(
    private readonly target: Target,
    private readonly timeoutMs: number,
    request: ForwardRequest,
    private readonly handlers: ForwardHandlers,
    private readonly fallback: () => ForwardHandle,
  ) {
    if (!Buffer.isBuffer(request.body)) request.body.once('error', () => (this.bodyFailed = true));
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.settled) abort(new Error('aborted'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx informational answers (103 Early Hints) are not the response; node:http did not pass them on either.
    if (statusCode < 200 || this.settled) return true;
    this.started = true;
    this.status = statusCode;
    this.resumeUpstream = resume;
    const pairs: HeaderPairs = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      // latin1, as node:http decodes header bytes, so a stored header is the bytes that came.
      const name = rawHeaders[i].toString('latin1');
      const value = rawHeaders[i + 1].toString('latin1');
      if (name.length === 14 && name.toLowerCase() === 'content-length') this.expected = Number(value);
      pairs.push([name, value]);
    }
    this.handlers.onResponse(statusCode, stripHopByHop(pairs));
    return !this.paused;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return true;
    this.received += chunk.length;
    this.handlers.onData(chunk, this.received === this.expected);
    return !this.paused;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    this.handlers.onEnd();
  }

  onError(error: Error & { code?: string }): void {
    if (this.settled) return;
    if (!this.abortUpstream && (error.code === 'UND_ERR_INVALID_ARG' || error.code === 'UND_ERR_NOT_SUPPORTED')) {
      // Refused before a byte left: node:http sends it as it is (or says why it cannot).
      this.delegate = this.fallback();
      return;
    }
    this.settled = true;
    if (error.code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' && this.received === 0 && (this.status === 204 || this.status === 304)) {
      // A 204 or 304 has no body whatever its Content-Length says (a 304 may carry the length a 200 would have had,
      // RFC 9110 8.6), but undici holds the missing bytes against it. The answer was whole: pass it on as it came.
      this.handlers.onEnd();
      return;
    }
    const { target } = this;
    let failure: [ForwardErrorCode, string];
    if (this.bodyFailed) failure = ['local_error', 'the request body stopped arriving (the tunnel dropped)'];
    else if (error.code === 'UND_ERR_HEADERS_TIMEOUT') failure = ['local_timeout', `the local app at ${target.url} did not answer within ${this.timeoutMs / 1000} s`];
    else if (this.started) failure = ['local_error', `the local app at ${target.url} closed the connection in the middle of its answer`];
    else failure = describeError(error, target);
    this.handlers.onError(failure[0], failure[1], this.started);
  }

  abort(): void {
    if (this.delegate) return this.delegate.abort();
    if (this.settled) return;
    this.settled = true;
    this.abortUpstream?.(new Error('aborted'));
  }

  pause(): void {
    if (this.delegate) return this.delegate.pause();
    this.paused = true;
  }

  resume(): void {
    if (this.delegate) return this.delegate.resume();
    if (!this.paused) return;
    this.paused = false;
    this.resumeUpstream?.();
  }
}
