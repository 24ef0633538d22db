// One request arriving through the tunnel, and the way to answer it.

import { Readable } from 'node:stream';
import { BODY_CHUNK_BYTES, encode, MessageType, type ErrorCode, type RequestMeta, type ResponseMeta } from '../protocol.js';

/** The socket side a request talks to; implemented by TunnelClient. */
export interface StreamChannel {
  send(frame: Buffer, onFlushed?: () => void): boolean;
  pauseReads(): void;
  resumeReads(): void;
  release(stream: number): void;
}

const EMPTY = Buffer.alloc(0);

export class TunnelRequest {
  /** The whole body when it arrived in the first frame (the common case for webhooks), else a stream of it. */
  readonly body: Buffer | Readable;
  /** Set by whoever handles the request: the relay gave up on it (timeout, sender gone, body too large). */
  onAbort: ((code: ErrorCode, message: string) => void) | undefined;
  private pendingHead: ResponseMeta | undefined;
  private headSent = false;
  private done = false;
  private readsPaused = false;
  private bodyEnded: boolean;

  constructor(
    private readonly channel: StreamChannel,
    readonly stream: number,
    readonly meta: RequestMeta,
    firstChunk: Buffer,
    complete: boolean,
  ) {
    this.bodyEnded = complete;
    // The first chunk is a view into the frame; copy so the frame can be freed independently.
    if (complete) {
      this.body = Buffer.from(firstChunk);
      return;
    }
    this.body = new Readable({
      // A few frames' worth: with the default 16 KiB every 256 KiB frame paused the socket until the app took it.
      highWaterMark: 4 * BODY_CHUNK_BYTES,
      read: () => {
        if (this.readsPaused) {
          this.readsPaused = false;
          channel.resumeReads();
        }
      },
    });
    this.pushBody(firstChunk, false);
  }

  /** More request body from the relay. Backpressure: a full buffer pauses the whole socket until it drains. */
  pushBody(chunk: Buffer, end: boolean): void {
    if (!(this.body instanceof Readable)) return;
    // Pushed as it is: a body frame is its own buffer (ws assembles it from the socket's reads), nothing to free apart.
    if (chunk.length > 0 && !this.body.push(chunk) && !this.readsPaused) {
      this.readsPaused = true;
      this.channel.pauseReads();
    }
    if (end) {
      this.bodyEnded = true;
      this.body.push(null);
    }
  }

  /** Has the whole request body arrived from the relay (whether or not it has been read yet)? */
  get bodyComplete(): boolean {
    return this.bodyEnded;
  }

  /** Holds the response head; it leaves with the first body bytes, so a small answer is one frame. */
  respond(meta: ResponseMeta): void {
    this.pendingHead = meta;
  }

  /** Response body bytes (`end` on the last). Returns false when the caller should wait for onFlushed. */
  write(chunk: Buffer, end: boolean, onFlushed?: () => void): boolean {
    if (this.done) return true;
    const head = this.pendingHead;
    this.pendingHead = undefined;
    if (head) this.headSent = true;
    if (end) this.finish();
    const frame = head
      ? encode(MessageType.Response, this.stream, head, chunk, end)
      : encode(MessageType.ResponseBody, this.stream, null, chunk, end);
    return this.channel.send(frame, onFlushed);
  }

  /** Ends the response if the last write did not. */
  end(): void {
    if (!this.done) this.write(EMPTY, true);
  }

  get responded(): boolean {
    return this.headSent;
  }

  /** Fails the request: the relay answers the sender with the error page for this code. */
  abort(code: ErrorCode, message: string): void {
    if (this.done) return;
    this.finish();
    this.channel.send(encode(MessageType.Abort, this.stream, { code, message }));
  }

  /** A queued delivery needs no answer: forget the stream once its body is all here. */
  release(): void {
    if (!this.done) this.finish();
  }

  /** The relay aborted the stream, or the connection dropped. A body that arrived whole stays readable. */
  cancel(code: ErrorCode, message: string): void {
    if (this.done) return;
    this.finish();
    if (this.body instanceof Readable && !this.bodyEnded) this.body.destroy(new Error(message));
    this.onAbort?.(code, message);
  }

  private finish(): void {
    this.done = true;
    if (this.readsPaused) {
      this.readsPaused = false;
      this.channel.resumeReads();
    }
    this.channel.release(this.stream);
  }
}
