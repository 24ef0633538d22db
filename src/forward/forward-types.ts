// What a forward looks like from both sides: the request handed to a forwarder and the callbacks it answers with.
// Its own module so the forwarder and the two transports it picks between (undici, node:http) share it without a cycle.

import type { Readable } from 'node:stream';
import type { HeaderPairs } from '../protocol.js';

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
