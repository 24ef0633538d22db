// Carries one public HTTP request over a tunnel: head and body out as frames, the client's answer back to the sender.
//
// This is the relay's hot path, so each request is one object: its state in fields, its answers from the client as
// methods (it is the stream's sink), its pending timeout a link in the tunnel's deadline list, and its event listeners
// functions shared by every request that find the object through the request they fire on.

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BODY_CHUNK_BYTES,
  encode,
  MessageType,
  type AbortMeta,
  type HeaderPairs,
  type RequestMeta,
  type ResponseMeta,
} from '../src/protocol.js';
import { stripHopByHopFlat } from '../src/http-headers.js';
import type { Deadline } from './deadline-list.js';
import { sendError, type ErrorAnswer } from './error-page.js';
import type { ByteBudget, QueuedRequest } from './queue-intake.js';
import type { StreamSink, TunnelConnection } from './tunnel-connection.js';

/** What the relay knows of a public request before reading its body, whether it goes live or to the queue. */
export interface RequestHead {
  tunnelId: string;
  /** Assigned on arrival, the same whether the request goes through the tunnel or the queue. */
  deliveryId: string;
  method: string;
  path: string;
  headers: HeaderPairs;
  url: string;
}

export interface PublicRequest extends RequestHead {
  req: IncomingMessage;
  res: ServerResponse;
  /** The first Content-Length the sender gave, if any. */
  contentLength: string | undefined;
  maxBodyBytes: number;
  /** How long this sender may hold the tunnel's reads by not reading its answer (RelayLimits.slowReaderTimeoutMs). */
  slowReaderTimeoutMs: number;
  /** performance.now() when the request arrived. */
  started: number;
  /** Set when the relay has a durable queue: a request whose tunnel drops after its body arrived is queued, not failed. */
  requeue?: Requeue;
}

export interface Requeue {
  /** Shared memory for kept bodies; a request that does not fit is not kept, and fails as before if its tunnel drops. */
  readonly budget: ByteBudget;
  /** Stores the whole request under its delivery id and answers the sender (see storeAndAnswer). */
  store(request: PublicRequest, receivedAt: number, body: Buffer): void;
}

/** A live request whose tunnel dropped after its body arrived, as the queue takes it (answered with the relay's 202). */
export function requeued(request: PublicRequest, receivedAt: number, answer: QueuedRequest['answer']): QueuedRequest {
  const { tunnelId, deliveryId, method, path, headers, url } = request;
  return { tunnelId, deliveryId, method, path, headers, url, reason: 'offline', answer, receivedAt };
}

/** Called once per request when the sender's connection for it closes (the answer is out, or the sender left). */
export type OnClosed = (res: ServerResponse, started: number, bytesIn: number, bytesOut: number) => void;

/**
 * Bodies up to this size are kept while they stream, to be queued whole if the tunnel drops mid-request. Larger ones
 * stream without being held (the relay's memory stays flat on a 100 MiB body); if their tunnel drops, the sender gets
 * a clean 502 and its own retry. 16 MiB covers nearly every webhook.
 */
const MAX_KEPT_PER_REQUEST = 16 * 1024 * 1024;
/**
 * A sender whose request could not be kept when its tunnel dropped is told to come back: the client reconnects within
 * seconds (full-jitter backoff from 1 s), and a 5xx without Retry-After reads to many senders as "give up".
 */
const DISCONNECTED_RETRY_SECONDS = 5;

const EMPTY = Buffer.alloc(0);
const FORWARDED = Symbol('hooktunnel.forwarded');
type Carrier = IncomingMessage & { [FORWARDED]?: TunnelledRequest };
const of = (req: IncomingMessage) => (req as Carrier)[FORWARDED]!;

// The listeners every request shares (`this` is the emitter; ServerResponse knows its request as `req`).
function onRequestData(this: IncomingMessage, chunk: Buffer): void {
  of(this).receive(chunk);
}
function onRequestEnd(this: IncomingMessage): void {
  of(this).bodyDone();
}
function onResponseClose(this: ServerResponse): void {
  of(this.req).senderClosed();
}
function onResponseDrain(this: ServerResponse): void {
  of(this.req).releaseTunnel();
}
function onHeldTooLong(forwarded: TunnelledRequest): void {
  forwarded.heldTooLong();
}
function flushLater(forwarded: TunnelledRequest): void {
  forwarded.flushLater();
}

/** Streams the request through the tunnel; `onClosed` runs once the sender's connection for it closes. */
export function forwardPublicRequest(tunnel: TunnelConnection, request: PublicRequest, onClosed: OnClosed): void {
  const forwarded = new TunnelledRequest(tunnel, request, onClosed);
  (request.req as Carrier)[FORWARDED] = forwarded;
  request.req.on('data', onRequestData);
  request.req.on('end', onRequestEnd);
  request.res.on('close', onResponseClose);
}

/**
 * Fails the tunnelled request `res` answers, if it is one, with `answer`, and tells its client (the server gave up on
 * the sender: its body stopped arriving). False when `res` belongs to no tunnelled request.
 */
export function failTunnelled(res: ServerResponse, answer: ErrorAnswer): boolean {
  const forwarded = (res.req as Carrier)[FORWARDED];
  if (!forwarded) return false;
  forwarded.cut(answer);
  return true;
}

class TunnelledRequest implements StreamSink, Deadline {
  dueAt = 0;
  prevDue: Deadline | undefined = undefined;
  nextDue: Deadline | undefined = undefined;
  queued = false;

  private finished = false;
  /** The end flag went out with a body frame. */
  private bodyEnded = false;
  /** The sender's body is complete. */
  private ended = false;
  private headSent = false;
  // While the sender reads our response slowly, the tunnel stops reading frames (once per stream, undone once).
  private holdingTunnel = false;
  private holdTimer: NodeJS.Timeout | undefined;
  private requeueOnEnd = false;
  private bytesIn = 0;
  private bytesOut = 0;
  /** The body as it arrived, while the budget allows, so a drop can queue it whole instead of failing the sender. */
  private kept: Buffer[] | undefined;
  private keptBytes = 0;
  private readonly stream: number;
  private readonly meta: RequestMeta;
  private readonly declaredLength: number;
  private resumer: (() => void) | undefined;
  /** Body bytes read in this event-loop turn and not sent yet (created by the first body that needs it). */
  private pending: Buffer[] | undefined;
  private pendingBytes = 0;
  private flushScheduled = false;

  constructor(
    private readonly tunnel: TunnelConnection,
    private readonly request: PublicRequest,
    private readonly onClosed: OnClosed,
  ) {
    this.kept = request.requeue ? [] : undefined;
    this.stream = tunnel.open(this);
    this.meta = {
      method: request.method,
      path: request.path,
      headers: request.headers,
      deliveryId: request.deliveryId,
      receivedAt: Date.now(),
      url: request.url,
    };
    this.declaredLength = request.contentLength === undefined ? NaN : Number(request.contentLength);
    tunnel.clock?.add(this, request.started);
  }

  onResponse(meta: ResponseMeta, body: Buffer, end: boolean): void {
    this.tunnel.clock?.remove(this);
    const { res } = this.request;
    // 1xx is never a final answer (RFC 9110 §15.2): a 100 would leave the sender waiting for one, a 101 switch its protocol.
    if (meta.status < 200) {
      this.fail({ code: 'local_error', message: `the local app answered with ${meta.status}, an interim status, instead of a final answer` }, true);
      return;
    }
    const headers = stripHopByHopFlat(meta.headers);
    if (!oneContentLength(headers)) {
      this.fail({ code: 'local_error', message: 'the local app answered with a Content-Length that is not one number' }, true);
      return;
    }
    res.sendDate = false;
    // The sender's connection is kept alive (and a proxy in front pools it for other tunnels' senders): bytes past the
    // declared Content-Length would be read as the next response there, and a short body would leave it waiting. Node
    // throws instead of writing such a body (ERR_HTTP_CONTENT_LENGTH_MISMATCH); HEAD, 204 and 304 are left alone.
    res.strictContentLength = true;
    try {
      res.writeHead(meta.status, headers);
    } catch {
      this.fail({ code: 'local_error', message: 'the local app answered with a header HTTP does not allow' }, true);
      return;
    }
    this.onResponseBody(body, end);
  }

  onResponseBody(body: Buffer, end: boolean): void {
    if (this.finished) return;
    const { res } = this.request;
    this.bytesOut += body.length;
    let flushed: boolean;
    try {
      if (end) {
        // One call writes the last bytes and ends: a small answer leaves in one write.
        if (body.length > 0) res.end(body);
        else res.end();
        this.finish();
        return;
      }
      flushed = body.length === 0 || res.write(body);
    } catch {
      // Headers are out: fail() cuts the connection, so the sender sees a broken answer rather than a wrong one.
      this.fail({ code: 'local_error', message: 'the local app sent a body that does not match its Content-Length' }, true);
      return;
    }
    if (!flushed && !this.holdingTunnel) {
      this.holdingTunnel = true;
      this.tunnel.pauseReads();
      res.once('drain', onResponseDrain);
      if (this.request.slowReaderTimeoutMs > 0) this.holdTimer = setTimeout(onHeldTooLong, this.request.slowReaderTimeoutMs, this);
    }
  }

  onAbort(meta: AbortMeta): void {
    // A client sends tunnel_disconnected only for a request it did not give its app (listen stopping): not delivered,
    // so it is treated as the connection dropping under it, queued (202) for the next listen where the relay can.
    if (meta.code === 'tunnel_disconnected') return this.onDisconnect();
    this.fail(meta, false);
  }

  onDisconnect(): void {
    const { res, req } = this.request;
    if (this.kept && !res.headersSent) {
      // The sender is still waiting: queue the request (once its body is all here) and tell it 202.
      this.tunnel.clock?.remove(this);
      if (this.ended) return this.requeue();
      this.requeueOnEnd = true;
      req.resume();
      return;
    }
    this.fail(disconnected(`tunnel ${this.tunnel.id} disconnected before the local app answered`), false);
  }

  /** The relay's own pending timeout (a little longer than the client's, so the client's precise 504 wins). */
  expire(): void {
    this.fail({ code: 'local_timeout', message: `the local app did not answer within ${this.tunnel.timeoutMs / 1000} s` }, true);
  }

  receive(chunk: Buffer): void {
    if (this.finished) return;
    const { maxBodyBytes, requeue } = this.request;
    // Counted as bytes arrive, not from Content-Length: a chunked body has none (RFC 9112 §7.1).
    if (this.bytesIn + chunk.length > maxBodyBytes) {
      this.fail({ code: 'body_too_large', message: `request body exceeds the relay's limit of ${maxBodyBytes} bytes` }, true);
      return;
    }
    this.bytesIn += chunk.length;
    if (this.kept && this.keptBytes + chunk.length <= MAX_KEPT_PER_REQUEST && requeue!.budget.take(chunk.length)) {
      this.kept.push(chunk);
      this.keptBytes += chunk.length;
    } else {
      this.dropKept();
    }
    if (this.requeueOnEnd) {
      // The tunnel is gone; the rest of the body only goes to the queue.
      if (!this.kept) this.fail(disconnected(`tunnel ${this.tunnel.id} disconnected while the request body arrived, and the body is too large for the relay to keep`), false);
      return;
    }
    const last = this.bytesIn === this.declaredLength;
    if (last && this.pendingBytes === 0) {
      // The whole rest of the body is here: a small webhook goes out as one frame, at once.
      this.sendBody(chunk, true);
      return;
    }
    // Socket reads are at most 64 KiB: gather what arrives in one event-loop turn into frames of up to
    // BODY_CHUNK_BYTES, so a 20 MiB body is ~80 frames (one store write each on the client) instead of ~320.
    (this.pending ??= []).push(chunk);
    this.pendingBytes += chunk.length;
    if (last || this.pendingBytes >= BODY_CHUNK_BYTES) this.flushPending(last);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(flushLater, this);
    }
  }

  /** Sends the gathered body bytes (with the end flag when `end`); the turn's last chance is flushLater. */
  flushPending(end: boolean): void {
    const pending = this.pending;
    const bytes = this.pendingBytes;
    this.pendingBytes = 0;
    const discard = this.finished || this.requeueOnEnd || (bytes === 0 && !end);
    const body = discard || bytes === 0 ? EMPTY : pending!.length === 1 ? pending![0] : Buffer.concat(pending!, bytes);
    if (pending) pending.length = 0;
    if (!discard) this.sendBody(body, end);
  }

  /** End of the turn in which body bytes arrived: what was gathered goes out now. */
  flushLater(): void {
    this.flushScheduled = false;
    if (!this.bodyEnded) this.flushPending(false);
  }

  bodyDone(): void {
    this.ended = true;
    if (this.requeueOnEnd && !this.finished) return this.requeue();
    // A body without Content-Length (chunked) ends here: its last bytes and the end flag share a frame.
    if (!this.finished && !this.bodyEnded) this.flushPending(true);
  }

  senderClosed(): void {
    if (!this.finished) this.finish({ code: 'sender_gone', message: 'the sender closed the connection' });
    this.onClosed(this.request.res, this.request.started, this.bytesIn, this.bytesOut);
  }

  releaseTunnel(): void {
    if (!this.holdingTunnel) return;
    this.holdingTunnel = false;
    clearTimeout(this.holdTimer);
    this.request.res.off('drain', onResponseDrain);
    this.tunnel.resumeReads();
  }

  /** The sender took nothing of its answer while the whole tunnel waited on it: it is cut off, the tunnel goes on. */
  heldTooLong(): void {
    const seconds = this.request.slowReaderTimeoutMs / 1000;
    this.fail({ code: 'sender_gone', message: `the sender took nothing of the answer (one frame) for ${seconds} s; cut off so the tunnel's other requests could go on` }, true);
  }

  /** Sends body bytes in frames of at most BODY_CHUNK_BYTES; pauses the sender when the tunnel's socket is full. */
  private sendBody(body: Buffer, end: boolean): void {
    let writable = true;
    let offset = 0;
    do {
      const piece = offset === 0 && body.length <= BODY_CHUNK_BYTES ? body : body.subarray(offset, offset + BODY_CHUNK_BYTES);
      offset += BODY_CHUNK_BYTES;
      const lastPiece = offset >= body.length;
      if (end && lastPiece) this.bodyEnded = true;
      writable = this.sendChunk(piece, end && lastPiece);
    } while (offset < body.length);
    if (!writable) this.request.req.pause();
  }

  private sendChunk(chunk: Buffer, end: boolean): boolean {
    const frame = this.headSent
      ? encode(MessageType.RequestBody, this.stream, null, chunk, end)
      : encode(MessageType.Request, this.stream, this.meta, chunk, end);
    this.headSent = true;
    // A write callback costs a closure and a callback per frame: only a frame that may fill the socket's buffer asks one.
    if (this.tunnel.hasRoomFor(frame.length)) return this.tunnel.send(frame);
    this.resumer ??= () => {
      if (this.request.req.isPaused() && !this.finished) this.request.req.resume();
    };
    return this.tunnel.send(frame, this.resumer);
  }

  private requeue(): void {
    const body = Buffer.concat(this.kept!, this.keptBytes);
    this.request.requeue!.store(this.request, this.meta.receivedAt, body);
    this.finish();
  }

  private dropKept(): void {
    if (this.kept) this.request.requeue!.budget.give(this.keptBytes);
    this.kept = undefined;
  }

  /** The relay gives up on the sender (see failTunnelled): it gets `answer`, and the client is told the same code. */
  cut(answer: ErrorAnswer): void {
    if (!this.finished) this.fail(answer, true);
  }

  private fail(answer: ErrorAnswer, tellClient: boolean): void {
    const { req, res } = this.request;
    sendError(req, res, answer, !req.complete);
    this.finish(tellClient ? answer : undefined);
  }

  private finish(abort?: ErrorAnswer): void {
    if (this.finished) return;
    this.finished = true;
    this.tunnel.clock?.remove(this);
    this.dropKept();
    this.releaseTunnel();
    this.tunnel.finish(this.stream, abort);
  }
}

/** Content-Length (any case, any number of times) is absent or one run of digits repeated: anything else is ambiguous framing. */
function oneContentLength(flat: string[]): boolean {
  let length: string | undefined;
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i].length !== 14 || flat[i].toLowerCase() !== 'content-length') continue;
    const value = flat[i + 1].trim();
    if (!/^\d+$/.test(value) || (length !== undefined && value !== length)) return false;
    length = value;
  }
  return true;
}

const disconnected = (message: string): ErrorAnswer => ({ code: 'tunnel_disconnected', message, retryAfterSeconds: DISCONNECTED_RETRY_SECONDS });
