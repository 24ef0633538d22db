// Sends a tunnel's queued deliveries to its connected client in arrival order, and forgets each one only on its ACK.

import { BODY_CHUNK_BYTES, encode, MessageType, type RequestMeta } from '../src/protocol.js';
import type { DeliveryQueue, NewDelivery, QueuedDelivery } from './delivery-queue.js';
import type { TunnelConnection } from './tunnel-connection.js';

/** Unacknowledged deliveries (and their bytes) on one connection: the client commits each before acking, so this bounds its backlog. */
export const WINDOW_COUNT = 64;
export const WINDOW_BYTES = 32 * 1024 * 1024;
/** Deliveries read from the queue at a time. */
export const PAGE = 16;

export class DeliveryPump {
  private lastSeq = 0;
  private readonly unacked = new Map<string, number>();
  private unackedBytes = 0;
  private busy = false;
  private blocked = false;
  /** Enqueued while this connection was up and not yet sent: not late. */
  private readonly live = new Set<string>();

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly connection: TunnelConnection,
    private readonly log: (line: string) => void,
  ) {
    connection.onAck = (deliveryId) => this.ack(deliveryId);
  }

  /** Sends whatever is queued and fits in the window; `liveId` was just enqueued while the client is connected. */
  kick(liveId?: string): void {
    if (liveId) this.live.add(liveId);
    if (this.busy || this.blocked || this.connection.closed) return;
    this.busy = true;
    try {
      for (;;) {
        const room = WINDOW_COUNT - this.unacked.size;
        if (room <= 0 || this.unackedBytes >= WINDOW_BYTES) break;
        const batch = this.queue.pending(this.connection.id, this.lastSeq, Math.min(room, PAGE));
        if (batch.length === 0) break;
        for (const delivery of batch) {
          this.lastSeq = delivery.seq;
          if (!this.send(delivery)) {
            this.blocked = true;
            break;
          }
        }
        if (this.blocked || this.unackedBytes >= WINDOW_BYTES) break;
      }
    } catch (error) {
      // The queue's store failed: the deliveries stay queued and go out on the next kick or connection.
      this.log(`queue of tunnel ${this.connection.id}: ${(error as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /** The client committed a delivery: only now is it deleted. Unknown ids (already acked, another tunnel's) are ignored. */
  private ack(deliveryId: string): void {
    try {
      this.queue.remove(this.connection.id, deliveryId);
    } catch (error) {
      this.log(`queue of tunnel ${this.connection.id}: could not forget ${deliveryId}: ${(error as Error).message}`);
    }
    const bytes = this.unacked.get(deliveryId);
    if (bytes === undefined) return;
    this.unacked.delete(deliveryId);
    this.unackedBytes -= bytes;
    this.kick();
  }

  /** Writes one delivery; false when the socket asks us to wait. */
  private send(delivery: QueuedDelivery): boolean {
    const late = !this.live.delete(delivery.deliveryId);
    this.unacked.set(delivery.deliveryId, delivery.body.length);
    this.unackedBytes += delivery.body.length;
    return writeDelivery(this.connection, delivery, late, () => this.unblock());
  }

  private unblock(): void {
    if (!this.blocked) return;
    this.blocked = false;
    this.kick();
  }
}

/**
 * Writes one queued delivery as REQUEST (+ REQUEST_BODY) frames on a new stream; `onWritten` runs once the last frame
 * is flushed. False when the socket asks us to wait. Shared by this pump and the cluster's StreamPump.
 */
export function writeDelivery(
  connection: TunnelConnection,
  delivery: NewDelivery,
  late: boolean,
  onWritten: () => void,
): boolean {
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
