// Carries one public HTTP request over a tunnel: head and body out as frames, the client's answer back to the sender.

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BODY_CHUNK_BYTES,
  encode,
  MessageType,
  RELAY_TIMEOUT_GRACE_MS,
  type HeaderPairs,
  type RequestMeta,
} from '../src/protocol.js';
import { stripHopByHop, toFlat } from '../src/http-headers.js';
import { sendError, type ErrorAnswer } from './error-page.js';
import type { ByteBudget } from './queue-intake.js';
import type { TunnelConnection } from './tunnel-connection.js';

export interface PublicRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path and query after the tunnel prefix, exactly as sent. */
  path: string;
  /** Request headers as they go to the client: hop-by-hop removed, X-Forwarded-* set. */
  headers: HeaderPairs;
  /** The public URL the sender used. */
  url: string;
  deliveryId: string;
  maxBodyBytes: number;
  /** Set when the relay has a durable queue: a request whose tunnel drops after its body arrived is queued, not failed. */
  requeue?: Requeue;
}

export interface Requeue {
  /** Shared memory for kept bodies; a request that does not fit is not kept, and fails as before if its tunnel drops. */
  budget: ByteBudget;
  /** Stores the whole request under its delivery id and answers the sender (see storeAndAnswer). */
  store(meta: RequestMeta, body: Buffer): void;
}

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

export type RequestOutcome = { status: number; bytesIn: number; bytesOut: number };

/** Streams the request through the tunnel; `done` runs once with what the sender got. */
export function forwardPublicRequest(tunnel: TunnelConnection, request: PublicRequest, done?: (outcome: RequestOutcome) => void): void {
  const { req, res } = request;
  let finished = false;
  let bodyEnded = false;
  let bytesIn = 0;
  let bytesOut = 0;
  let timer: NodeJS.Timeout | undefined;
  // While the sender reads our response slowly, the tunnel stops reading frames (once per stream, undone once).
  let holdingTunnel = false;
  const releaseTunnel = () => {
    if (!holdingTunnel) return;
    holdingTunnel = false;
    res.off('drain', releaseTunnel);
    tunnel.resumeReads();
  };

  // The body as it arrived, while the budget allows, so a drop can queue it whole instead of failing the sender.
  let kept: Buffer[] | undefined = request.requeue ? [] : undefined;
  let keptBytes = 0;
  let requeueOnEnd = false;
  let ended = false;
  const dropKept = () => {
    if (kept) request.requeue!.budget.give(keptBytes);
    kept = undefined;
  };
  const finish = (abort?: ErrorAnswer) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    dropKept();
    releaseTunnel();
    tunnel.finish(stream, abort);
    done?.({ status: res.statusCode, bytesIn, bytesOut });
  };
  const fail = (answer: ErrorAnswer, tellClient: boolean) => {
    sendError(req, res, answer, !req.complete);
    finish(tellClient ? answer : undefined);
  };

  const stream = tunnel.open({
    onResponse(meta, body, end) {
      clearTimeout(timer);
      res.sendDate = false;
      try {
        res.writeHead(meta.status, toFlat(stripHopByHop(meta.headers)));
      } catch {
        fail({ code: 'local_error', message: 'the local app answered with a header HTTP does not allow' }, true);
        return;
      }
      this.onResponseBody(body, end);
    },
    onResponseBody(body, end) {
      if (finished) return;
      if (body.length > 0) {
        bytesOut += body.length;
        if (!res.write(body) && !holdingTunnel) {
          holdingTunnel = true;
          tunnel.pauseReads();
          res.once('drain', releaseTunnel);
        }
      }
      if (end) {
        res.end();
        finish();
      }
    },
    onAbort(meta) {
      fail(meta, false);
    },
    onDisconnect() {
      if (kept && !res.headersSent) {
        // The sender is still waiting: queue the request (once its body is all here) and tell it 202.
        clearTimeout(timer);
        if (ended) return requeue();
        requeueOnEnd = true;
        req.resume();
        return;
      }
      fail(disconnected(`tunnel ${tunnel.id} disconnected before the local app answered`), false);
    },
  });

  const meta: RequestMeta = {
    method: req.method ?? 'GET',
    path: request.path,
    headers: request.headers,
    deliveryId: request.deliveryId,
    receivedAt: Date.now(),
    url: request.url,
  };
  const requeue = () => {
    const body = Buffer.concat(kept!, keptBytes);
    request.requeue!.store(meta, body);
    finish();
  };
  const declaredLength = Number(req.headers['content-length'] ?? NaN);
  let headSent = false;

  const sendChunk = (chunk: Buffer, end: boolean): boolean => {
    const frame = headSent
      ? encode(MessageType.RequestBody, stream, null, chunk, end)
      : encode(MessageType.Request, stream, meta, chunk, end);
    headSent = true;
    return tunnel.send(frame, resumeBody);
  };
  const resumeBody = () => {
    if (req.isPaused() && !finished) req.resume();
  };

  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    // Counted as bytes arrive, not from Content-Length: a chunked body has none (RFC 9112 §7.1).
    if (bytesIn + chunk.length > request.maxBodyBytes) {
      fail({ code: 'body_too_large', message: `request body exceeds the relay's limit of ${request.maxBodyBytes} bytes` }, true);
      return;
    }
    bytesIn += chunk.length;
    if (kept && keptBytes + chunk.length <= MAX_KEPT_PER_REQUEST && request.requeue!.budget.take(chunk.length)) {
      kept.push(chunk);
      keptBytes += chunk.length;
    } else {
      dropKept();
    }
    if (requeueOnEnd) {
      // The tunnel is gone; the rest of the body only goes to the queue.
      if (!kept) fail(disconnected(`tunnel ${tunnel.id} disconnected while the request body arrived, and the body is too large for the relay to keep`), false);
      return;
    }
    let writable = true;
    for (let offset = 0; offset < chunk.length; offset += BODY_CHUNK_BYTES) {
      const piece = chunk.subarray(offset, offset + BODY_CHUNK_BYTES);
      // With a Content-Length, the last chunk carries the end flag: a small webhook is one frame.
      bodyEnded = bytesIn === declaredLength && offset + BODY_CHUNK_BYTES >= chunk.length;
      writable = sendChunk(piece, bodyEnded);
    }
    if (!writable) req.pause();
  });
  req.on('end', () => {
    ended = true;
    if (requeueOnEnd && !finished) return requeue();
    if (!finished && !bodyEnded) sendChunk(Buffer.alloc(0), true);
  });
  res.on('close', () => {
    if (!finished) finish({ code: 'sender_gone', message: 'the sender closed the connection' });
  });

  if (tunnel.timeoutMs > 0) {
    timer = setTimeout(() => {
      fail({ code: 'local_timeout', message: `the local app did not answer within ${tunnel.timeoutMs / 1000} s` }, true);
    }, tunnel.timeoutMs + RELAY_TIMEOUT_GRACE_MS);
  }
}

const disconnected = (message: string): ErrorAnswer => ({ code: 'tunnel_disconnected', message, retryAfterSeconds: DISCONNECTED_RETRY_SECONDS });
