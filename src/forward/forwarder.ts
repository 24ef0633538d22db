// Sends a request to the local app: exact method, raw path, headers as pairs, body bytes untouched.
// undici's Pool carries the traffic (forward/undici-forward.ts); node:http takes what undici refuses. Not fetch:
// fetch adds headers, merges duplicates and decompresses gzip.

import type http from 'node:http';
import type { Readable } from 'node:stream';
import type { Pool } from 'undici';
import type { HeaderPairs } from '../protocol.js';
import { setHeader, stripHopByHop } from '../http-headers.js';
import { forwardWithNodeHttp, nodeHttpAgent } from './node-http-forward.js';
import { targetHost, type Target } from './target.js';
import { createPool, forwardWithUndici, needsNodeHttp } from './undici-forward.js';

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
  private readonly pool: Pool;
  /** Made on first use: only requests undici refuses need it. */
  private agent: http.Agent | undefined;

  constructor(
    readonly target: Target,
    private readonly options: ForwarderOptions,
  ) {
    this.pool = createPool(target, options.timeoutMs);
  }

  forward(request: ForwardRequest, handlers: ForwardHandlers): ForwardHandle {
    const headers = this.outgoingHeaders(request.headers);
    const viaNodeHttp = () => {
      this.agent ??= nodeHttpAgent(this.target);
      return forwardWithNodeHttp(this.target, this.agent, this.options.timeoutMs, request, headers, handlers);
    };
    if (needsNodeHttp(request.method, headers)) return viaNodeHttp();
    return forwardWithUndici(this.pool, this.target, this.options.timeoutMs, request, headers, handlers, viaNodeHttp);
  }

  close(): void {
    void this.pool.destroy().catch(() => {});
    this.agent?.destroy();
  }

  private outgoingHeaders(headers: HeaderPairs): HeaderPairs {
    const mode = this.options.hostHeader;
    const pairs = stripHopByHop(headers);
    if (mode === 'preserve') return pairs.some(([n]) => n.toLowerCase() === 'host') ? pairs : setHeader(pairs, 'Host', targetHost(this.target));
    return setHeader(pairs, 'Host', mode === 'rewrite' ? targetHost(this.target) : mode.value);
  }
}
