// What a queue pump has sent on one connection and not yet had acknowledged, and the framing of one queued delivery.
// Shared by the single relay's pump (SQLite, delivery-pump.ts) and the cluster's (a Redis Stream, stream-pump.ts).

import { BODY_CHUNK_BYTES, encode, MessageType, type RequestMeta } from '../src/protocol.js';
import type { NewDelivery } from './delivery-queue.js';
import type { TunnelConnection } from './tunnel-connection.js';

/** Unacknowledged deliveries (and their bytes) on one connection: the client commits each before acking, so this bounds its backlog. */
export const WINDOW_COUNT = 64;
export const WINDOW_BYTES = 32 * 1024 * 1024;
/** Deliveries read from the queue at a time. */
export const PAGE = 16;

/**
 * The sent-but-unacknowledged deliveries of one connection. `Where` is where the pump finds a delivery again to delete
 * it on its ACK (the cluster's stream entry id; nothing for the single relay, which deletes by delivery id).
 */
export class DeliveryWindow<Where = undefined> {
  private readonly unacked = new Map<string, { where: Where; bytes: number }>();
  private unackedBytes = 0;
  /** Enqueued while this connection was up and not yet sent: not late. */
  private readonly live = new Set<string>();
  /** The socket asked us to wait; `onDrained` runs when it has room again. */
  private blocked = false;

  constructor(
    private readonly connection: TunnelConnection,
    private readonly onDrained: () => void,
  ) {}

  /** `deliveryId` was enqueued while the client is connected: it goes out as live, not late. */
  markLive(deliveryId: string | undefined): void {
    if (deliveryId) this.live.add(deliveryId);
  }

  /** How many more deliveries may be sent now (0 while blocked or full). */
  room(): number {
    if (this.blocked || this.connection.closed || this.unackedBytes >= WINDOW_BYTES) return 0;
    return Math.max(0, Math.min(WINDOW_COUNT - this.unacked.size, PAGE));
  }

  /** Writes one delivery and holds it until its ACK; false (and blocked) when the socket asks us to wait. */
  send(delivery: NewDelivery, where: Where): boolean {
    const late = !this.live.delete(delivery.deliveryId);
    this.unacked.set(delivery.deliveryId, { where, bytes: delivery.body.length });
    this.unackedBytes += delivery.body.length;
    const writable = writeDelivery(this.connection, delivery, late, () => this.drained());
    if (!writable) this.blocked = true;
    return writable;
  }

  /** The client acknowledged `deliveryId`: it leaves the window. Undefined when it was not sent on this connection. */
  acked(deliveryId: string): { where: Where; bytes: number } | undefined {
    const sent = this.unacked.get(deliveryId);
    if (!sent) return undefined;
    this.unacked.delete(deliveryId);
    this.unackedBytes -= sent.bytes;
    return sent;
  }

  private drained(): void {
    if (!this.blocked) return;
    this.blocked = false;
    this.onDrained();
  }
}

/**
 * Writes one queued delivery as REQUEST (+ REQUEST_BODY) frames on a new stream; `onWritten` runs once the last frame
 * is flushed. False when the socket asks us to wait.
 */
function writeDelivery(connection: TunnelConnection, delivery: NewDelivery, late: boolean, onWritten: () => void): boolean {
  const meta: RequestMeta = {
    method: delivery.method,
    path: delivery.path,
    headers: delivery.headers,
    deliveryId: delivery.deliveryId,
    receivedAt: delivery.receivedAt,
    url: delivery.url,
    queued: {
      reason: delivery.reason,
      status: delivery.answerStatus,
      body: delivery.answerBody,
      ...(late ? { lateByMs: Math.max(0, Date.now() - delivery.receivedAt) } : {}),
    },
  };
  const stream = connection.allocateStream();
  const body = delivery.body;
  let writable = true;
  let offset = 0;
  do {
    const piece = body.subarray(offset, offset + BODY_CHUNK_BYTES);
    const end = offset + BODY_CHUNK_BYTES >= body.length;
    const frame = offset === 0 ? encode(MessageType.Request, stream, meta, piece, end) : encode(MessageType.RequestBody, stream, null, piece, end);
    writable = connection.send(frame, end ? onWritten : undefined);
    offset += BODY_CHUNK_BYTES;
  } while (offset < body.length);
  return writable;
}
