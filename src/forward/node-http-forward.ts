// The fallback forward path, with node:http: for the requests undici refuses (CONNECT, an Expect header), where
// node:http still sends the sender's headers as they came. Exact method, raw path, headers as pairs, body untouched.

import http from 'node:http';
import https from 'node:https';
import type { ForwardHandle, ForwardHandlers, ForwardRequest } from './forward-types.js';
import { describeError, lookupLocalhost } from './forward-errors.js';
import { toFlat, toPairs, stripHopByHop } from '../http-headers.js';
import type { HeaderPairs } from '../protocol.js';
import { upstreamPath, type Target } from './target.js';
import { setLongTimeout, type LongTimeout } from '../long-timeout.js';

/** Keep-alive sockets to the local app; bounded so a burst never opens thousands of sockets (as smee's client did). */
export function nodeHttpAgent(target: Target): http.Agent {
  const Agent = target.protocol === 'https:' ? https.Agent : http.Agent;
  return new Agent({ keepAlive: true, maxSockets: 128 });
}

export function forwardWithNodeHttp(
  target: Target,
  agent: http.Agent,
  timeoutMs: number,
  request: ForwardRequest,
  headers: HeaderPairs,
  handlers: ForwardHandlers,
): ForwardHandle {
  let settled = false;
  let started = false;
  let timer: LongTimeout | undefined;
  const fail = (code: Parameters<ForwardHandlers['onError']>[0], message: string) => {
    if (settled) return;
    settled = true;
    timer?.clear();
    upstream.destroy();
    handlers.onError(code, message, started);
  };

  const upstream = (target.protocol === 'https:' ? https : http).request({
    agent,
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: request.method,
    path: upstreamPath(target, request.path),
    headers: toFlat(headers),
    // Node would otherwise add its own Host when none is given; we always give one.
    setHost: false,
    lookup: target.hostname === 'localhost' ? lookupLocalhost : undefined,
  });
  upstream.on('response', (res) => {
    timer?.clear();
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

  if (timeoutMs > 0) {
    timer = setLongTimeout(() => fail('local_timeout', `the local app at ${target.url} did not answer within ${timeoutMs / 1000} s`), timeoutMs);
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
      timer?.clear();
      upstream.destroy();
    },
    pause: () => response?.pause(),
    resume: () => response?.resume(),
  };
}
