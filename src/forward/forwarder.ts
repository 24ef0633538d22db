// Sends a request to the local app: exact method, raw path, headers as pairs, body bytes untouched.
// undici's Pool carries the traffic (forward/undici-forward.ts); node:http takes what undici refuses. Not fetch:
// fetch adds headers, merges duplicates and decompresses gzip.

import type http from 'node:http';
import type { Pool } from 'undici';
import type { HeaderPairs } from '../protocol.js';
import { setHeader, stripHopByHop } from '../http-headers.js';
import { forwardWithNodeHttp, nodeHttpAgent } from './node-http-forward.js';
import { targetHost, type Target } from './target.js';
import { createPool, forwardWithUndici, needsNodeHttp } from './undici-forward.js';

export type { ForwardErrorCode, ForwardHandle, ForwardHandlers, ForwardRequest, HostHeaderMode } from './forward-types.js';
import type { ForwardHandle, ForwardHandlers, ForwardRequest, HostHeaderMode } from './forward-types.js';

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
