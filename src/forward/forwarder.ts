// Sends a request to the local app with node:http: exact method, raw path, headers as pairs, body bytes untouched.
// node:http rather than fetch: fetch adds headers, merges duplicates and decompresses gzip.

import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import type { HeaderPairs } from '../protocol.js';
import { setHeader, stripHopByHop, toFlat, toPairs } from '../http-headers.js';
import { targetHost, upstreamPath, type Target } from './target.js';

export type HostHeaderMode = 'rewrite' | 'preserve' | { value: string };
export type ForwardErrorCode = 'local_unreachable' | 'local_timeout' | 'local_error';

export interface ForwardRequest {
  method: string;
  /** Raw path and query, as the sender sent it after the tunnel prefix. */
  path: string;
  headers: HeaderPairs;
  body: Buffer | Readable;
}

export interface ForwardHandlers {
  onResponse(status: number, headers: HeaderPairs): void;
  /** `last` is true when the bytes so far reach the response's Content-Length. */
  onData(chunk: Buffer, last: boolean): void;
  onEnd(): void;
  /** Called at most once, instead of onEnd. `started` says whether onResponse already ran. */
  onError(code: ForwardErrorCode, message: string, started: boolean): void;
}

export interface ForwardHandle {
  /** The relay or the user gave up: stop talking to the local app. */
  abort(): void;
  /** Backpressure from the tunnel: stop reading the local response for now. */
  pause(): void;
  resume(): void;
}

export interface ForwarderOptions {
  /** Wait for the response head this long; 0 waits forever. */
  timeoutMs: number;
  hostHeader: HostHeaderMode;
}

export class Forwarder {
  // Keep-alive sockets to the local app; bounded so a burst never opens thousands of sockets (as smee's client did).
  private readonly agent: http.Agent;

  constructor(
    readonly target: Target,
    private readonly options: ForwarderOptions,
  ) {
    const Agent = target.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 128 });
  }

  forward(request: ForwardRequest, handlers: ForwardHandlers): ForwardHandle {
    const { target } = this;
    let settled = false;
    let started = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (code: ForwardErrorCode, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      upstream.destroy();
      handlers.onError(code, message, started);
    };

    const upstream = (target.protocol === 'https:' ? https : http).request({
      agent: this.agent,
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: request.method,
      path: upstreamPath(target, request.path),
      headers: toFlat(this.outgoingHeaders(request.headers)),
      // Node would otherwise add its own Host when none is given; we always give one.
      setHost: false,
      lookup: target.hostname === 'localhost' ? lookupLocalhost : undefined,
    });
    upstream.on('response', (res) => {
      clearTimeout(timer);
      started = true;
      const expected = Number(res.headers['content-length'] ?? NaN);
      let received = 0;
      handlers.onResponse(res.statusCode ?? 502, stripHopByHop(toPairs(res.rawHeaders)));
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        handlers.onData(chunk, received === expected);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        handlers.onEnd();
      });
      res.on('aborted', () => fail('local_error', `the local app at ${target.url} closed the connection in the middle of its answer`));
      res.on('error', () => fail('local_error', `the local app at ${target.url} closed the connection in the middle of its answer`));
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => fail(...describeError(error, target)));

    if (this.options.timeoutMs > 0) {
      timer = setTimeout(
        () => fail('local_timeout', `the local app at ${target.url} did not answer within ${this.options.timeoutMs / 1000} s`),
        this.options.timeoutMs,
      );
    }
    if (Buffer.isBuffer(request.body)) {
      upstream.end(request.body);
    } else {
      const body = request.body;
      body.on('error', () => fail('local_error', 'the request body stopped arriving (the tunnel dropped)'));
      body.pipe(upstream);
    }

    let response: http.IncomingMessage | undefined;
    upstream.once('response', (res) => (response = res));
    return {
      abort: () => {
        settled = true;
        clearTimeout(timer);
        upstream.destroy();
      },
      pause: () => response?.pause(),
      resume: () => response?.resume(),
    };
  }

  close(): void {
    this.agent.destroy();
  }

  private outgoingHeaders(headers: HeaderPairs): HeaderPairs {
    const mode = this.options.hostHeader;
    const pairs = stripHopByHop(headers);
    if (mode === 'preserve') return pairs.some(([n]) => n.toLowerCase() === 'host') ? pairs : setHeader(pairs, 'Host', targetHost(this.target));
    return setHeader(pairs, 'Host', mode === 'rewrite' ? targetHost(this.target) : mode.value);
  }
}

/**
 * "localhost" means both loopback addresses, whatever /etc/hosts says: dev servers bind ::1 or 127.0.0.1
 * depending on the framework. With Node's autoSelectFamily, the connection tries each in turn.
 */
const lookupLocalhost: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }]);
  else callback(null, '127.0.0.1', 4);
};

function describeError(error: NodeJS.ErrnoException, target: Target): [ForwardErrorCode, string] {
  // "cannot reach <url>: <why>" for every failure to connect, so a replay, the log and the sender all say the same.
  const unreachable = (why: string): [ForwardErrorCode, string] => ['local_unreachable', `cannot reach ${target.url}: ${why}`];
  const where = `${target.hostname}:${target.port}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return unreachable('connection refused (is your app running?)');
    case 'ENOTFOUND':
      return unreachable(`host ${target.hostname} not found`);
    case 'EAI_AGAIN':
      return unreachable(`DNS lookup of ${target.hostname} failed, try again`);
    case 'ETIMEDOUT':
      return unreachable('connection timed out');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return unreachable('no route to the host');
    case 'ECONNRESET':
      return ['local_error', `the local app at ${where} closed the connection without answering`];
    default:
      return ['local_error', `the local app at ${where} failed: ${error.message}`];
  }
}
