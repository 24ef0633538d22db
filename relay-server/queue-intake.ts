// Takes a public request into the durable queue: reads the whole body (limit still applies), stores it, then answers
// the sender itself (202 while the client is away, the client's own ack answer in acknowledge mode).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AckSettings, HeaderPairs, QueuedMeta } from '../src/protocol.js';
import type { DeliveryQueue, NewDelivery, QueueSettings, QueueUsage } from './delivery-queue.js';
import { sendError, type ErrorAnswer } from './error-page.js';

/** Header on the relay's own answer to a queued request: the id the client records it under. */
export const DELIVERY_HEADER = 'x-hooktunnel-delivery';
/** Sender's wait before retrying a full queue: the client is away, it will not drain in seconds. */
const QUEUE_FULL_RETRY_SECONDS = 60;

export interface QueueIntake {
  queue: DeliveryQueue;
  settings: QueueSettings;
  /** Requests whose bodies are being read for the queue. */
  load: IntakeLoad;
  /** A delivery was stored for this tunnel: reserve its id, and send it if the client is connected. */
  onQueued(tunnelId: string, deliveryId: string, expiresAt: number): void;
  log: (line: string) => void;
}

export interface QueuedRequest {
  tunnelId: string;
  method: string;
  path: string;
  headers: HeaderPairs;
  url: string;
  reason: QueuedMeta['reason'];
  answer: { status: number; body: string };
  /** Assigned on arrival; a live request queued after its tunnel dropped keeps it, so the client can tell a redelivery. */
  deliveryId: string;
  receivedAt?: number;
}

/** Why the queue cannot take `bytes` more for this tunnel, if it cannot. */
export function queueRefusal(intake: QueueIntake, tunnelId: string, bytes: number): ErrorAnswer | undefined {
  return usageRefusal(tunnelId, intake.queue.usage(tunnelId), intake.settings, bytes);
}

/** The same, from a tunnel's usage read elsewhere (a cluster reads it from Redis): one answer for single and cluster relays. */
export function usageRefusal(tunnelId: string, usage: { count: number; bytes: number }, settings: QueueSettings, bytes: number): ErrorAnswer | undefined {
  const { maxCount, maxBytes } = settings;
  if (usage.count >= maxCount) return queueFull(`tunnel ${tunnelId} already has ${maxCount} requests queued`);
  if (usage.bytes + bytes > maxBytes) return tooManyBytes(tunnelId, maxBytes);
  return undefined;
}

const tooManyBytes = (tunnelId: string, maxBytes: number) => queueFull(`tunnel ${tunnelId} would hold more than ${maxBytes} bytes of queued requests`);

export const queueFull = (message: string): ErrorAnswer => ({ code: 'queue_full', message, retryAfterSeconds: QUEUE_FULL_RETRY_SECONDS });

/** Stores a request whose body is complete and answers its sender: 2xx once stored, 503 when it cannot be. */
export function storeAndAnswer(intake: QueueIntake, req: IncomingMessage | undefined, res: ServerResponse, request: QueuedRequest, body: Buffer): void {
  const refused = queueRefusal(intake, request.tunnelId, body.length);
  if (refused) return sendError(req, res, refused);
  const { deliveryId } = request;
  const receivedAt = request.receivedAt ?? Date.now();
  const expiresAt = receivedAt + intake.settings.ttlMs;
  try {
    intake.queue.enqueue(queuedRecord(request, body, receivedAt, expiresAt));
  } catch (error) {
    intake.log(`could not queue a request for tunnel ${request.tunnelId}: ${(error as Error).message}`);
    return sendError(req, res, queueFull('the relay could not store the request'));
  }
  answerQueued(res, request);
  intake.onQueued(request.tunnelId, deliveryId, expiresAt);
}

/** The stored form of a queued request (the same fields in SQLite and in the cluster's Redis Streams). */
export function queuedRecord(request: QueuedRequest, body: Buffer, receivedAt: number, expiresAt: number): NewDelivery {
  return {
    deliveryId: request.deliveryId,
    tunnelId: request.tunnelId,
    method: request.method,
    path: request.path,
    headers: request.headers,
    url: request.url,
    body,
    receivedAt,
    expiresAt,
    reason: request.reason,
    answerStatus: request.answer.status,
    answerBody: request.answer.body,
  };
}

/** The relay's own answer once a request is stored: the client's ack answer or 202, with the delivery id. */
export function answerQueued(res: ServerResponse, request: QueuedRequest): void {
  const { status, body: text } = request.answer;
  if (status === 204 || status === 205) {
    // No content in either, and no Content-Length in a 204 (RFC 9110 §8.6, §15.3.5, §15.3.6): the body is not sent.
    res.writeHead(status, { 'Cache-Control': 'no-store', [DELIVERY_HEADER]: request.deliveryId, ...(status === 205 ? { 'Content-Length': 0 } : {}) });
    res.end();
    return;
  }
  res.writeHead(status, {
    'Content-Type': looksLikeJson(text) ? 'application/json' : 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    [DELIVERY_HEADER]: request.deliveryId,
  });
  res.end(text);
}

/** Reads the whole body of a public request (counted as it streams, RFC 9112 §7.1), then stores and answers it. */
export function queuePublicRequest(
  intake: QueueIntake,
  req: IncomingMessage,
  res: ServerResponse,
  request: QueuedRequest,
  maxBodyBytes: number,
  done: (bytesIn: number) => void,
): void {
  const admitted = intake.load.admit(request.tunnelId, intake.queue.usage(request.tunnelId), intake.settings, req);
  if ('refused' in admitted) return sendError(req, res, admitted.refused, true);
  readWholeBody(req, res, maxBodyBytes, (body) => storeAndAnswer(intake, req, res, request, body), done, admitted.share);
}

/**
 * Reads a request's whole body, counted as it streams (RFC 9112 §7.1): past `maxBodyBytes` it answers 413
 * body_too_large and keeps nothing, as it does (with the share's answer) once the tunnel's queue cannot hold more;
 * otherwise `whole` gets the body. `done` gets the bytes read either way. Shared with the cluster's queueing
 * (cluster/cluster-queueing.ts).
 */
export function readWholeBody(
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
  whole: (body: Buffer) => void,
  done: (bytesIn: number) => void,
  share: IntakeShare,
): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let over = false;
  // However the request ends (stored, refused, or its sender gone mid-body, perhaps while a cluster asked Redis), it
  // stops counting.
  if (res.closed) share.release();
  else res.once('close', share.release);
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    bytes += chunk.length;
    const refused = bytes > maxBodyBytes ? { code: 'body_too_large' as const, message: `request body exceeds the relay's limit of ${maxBodyBytes} bytes` } : share.take(chunk.length);
    if (refused) {
      over = true;
      chunks.length = 0;
      share.release();
      sendError(req, res, refused, true);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    share.release();
    if (!over) whole(Buffer.concat(chunks, bytes));
    done(bytes);
  });
}

/** A request's part of its tunnel's queue while its body is read (see IntakeLoad). */
export interface IntakeShare {
  /** Counts `bytes` more of the body; an answer when the tunnel's queue cannot hold them. */
  take(bytes: number): ErrorAnswer | undefined;
  /** The body is whole, refused or gone: it stops counting. Idempotent. */
  release(): void;
}

/**
 * Requests whose bodies are being read for the queue, per tunnel. They count against its --queue-max and
 * --queue-max-bytes before they are stored: counted only once stored, every sender that arrived while the queue had
 * room was read whole into memory (16 senders of 25 MiB held 475 MiB for one away tunnel whose queue takes 100 MiB).
 */
export class IntakeLoad {
  private readonly tunnels = new Map<string, QueueUsage>();

  /**
   * A request whose body is about to be read: refused when the tunnel's queue cannot take its declared length (counting
   * what is stored and what is being read), else counted from now until it releases its share.
   */
  admit(tunnelId: string, stored: QueueUsage, settings: QueueSettings, req: IncomingMessage): { refused: ErrorAnswer } | { share: IntakeShare } {
    const declared = Number(req.headers['content-length'] ?? 0);
    const reading = this.tunnels.get(tunnelId);
    const usage = reading ? { count: stored.count + reading.count, bytes: stored.bytes + reading.bytes } : stored;
    const refused = usageRefusal(tunnelId, usage, settings, Number.isFinite(declared) ? declared : 0);
    return refused ? { refused } : { share: this.share(tunnelId, stored, settings) };
  }

  private share(tunnelId: string, stored: QueueUsage, settings: QueueSettings): IntakeShare {
    let reading = this.tunnels.get(tunnelId);
    if (!reading) this.tunnels.set(tunnelId, (reading = { count: 0, bytes: 0 }));
    const counted = reading;
    counted.count++;
    let mine = 0;
    let released = false;
    return {
      take: (bytes) => {
        mine += bytes;
        counted.bytes += bytes;
        return stored.bytes + counted.bytes <= settings.maxBytes ? undefined : tooManyBytes(tunnelId, settings.maxBytes);
      },
      release: () => {
        if (released) return;
        released = true;
        counted.count--;
        counted.bytes -= mine;
        if (counted.count === 0) this.tunnels.delete(tunnelId);
      },
    };
  }
}

/** Does acknowledge mode cover this path? Prefixes match whole segments: /stripe covers /stripe/x and /stripe?y, not /stripes. */
export function acknowledges(ack: AckSettings | undefined, path: string): ack is AckSettings {
  if (!ack) return false;
  if (ack.paths.length === 0) return true;
  return ack.paths.some((prefix) => {
    const base = prefix.replace(/\/+$/, '');
    return path === base || path.startsWith(`${base}/`) || path.startsWith(`${base}?`) || base === '';
  });
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return /^\s*[[{]/.test(text);
  } catch {
    return false;
  }
}

/** Memory the relay may spend keeping bodies of live requests, so one whose tunnel drops can still be queued whole. */
export class ByteBudget {
  private used = 0;

  constructor(private readonly max: number) {}

  take(bytes: number): boolean {
    if (this.used + bytes > this.max) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
