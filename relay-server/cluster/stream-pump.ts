// Sends a tunnel's queued deliveries from its Redis Stream to the client connected here, in arrival order, and
// deletes each one only on the client's ACK (the same window and framing as delivery-pump.ts, with async reads).

import { PAGE, WINDOW_BYTES, WINDOW_COUNT, writeDelivery } from '../delivery-pump.js';
import type { TunnelConnection } from '../tunnel-connection.js';
import type { StreamDelivery, StreamQueue } from './stream-queue.js';

export class StreamPump {
  /** Stream entry id of the last delivery sent on this connection ('-': none yet, start from the oldest). */
  private lastEntry = '-';
  private readonly unacked = new Map<string, { entryId: string; bytes: number }>();
  private unackedBytes = 0;
  private running = false;
  private again = false;
  private blocked = false;
  /** Enqueued while this connection was up and not yet sent: not late. */
  private readonly live = new Set<string>();

  constructor(
    private readonly queue: StreamQueue,
    private readonly connection: TunnelConnection,
    private readonly log: (line: string) => void,
  ) {
    connection.onAck = (deliveryId) => void this.ack(deliveryId);
  }

  /** Sends whatever is queued and fits in the window; `liveId` was just enqueued while the client is connected. */
  kick(liveId?: string): void {
    if (liveId) this.live.add(liveId);
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.run().finally(() => (this.running = false));
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.fill();
      } while (this.again && !this.connection.closed);
    } catch (error) {
      // Redis failed: the deliveries stay queued and go out on the next kick (the refresh tick kicks every pump).
      this.log(`queue of tunnel ${this.connection.id}: ${(error as Error).message}`);
    }
  }

  private async fill(): Promise<void> {
    while (!this.blocked && !this.connection.closed) {
      const room = WINDOW_COUNT - this.unacked.size;
      if (room <= 0 || this.unackedBytes >= WINDOW_BYTES) return;
      const batch = await this.queue.read(this.connection.id, this.lastEntry, Math.min(room, PAGE));
      if (batch.length === 0) return;
      for (const delivery of batch) {
        this.lastEntry = delivery.entryId;
        if (delivery.expiresAt <= Date.now()) {
          await this.queue.remove(this.connection.id, delivery.entryId, delivery.body.length);
          continue;
        }
        if (this.connection.closed) return;
        if (!this.send(delivery)) {
          this.blocked = true;
          return;
        }
      }
    }
  }

  /** The client committed a delivery: only now is it deleted. Ids this connection did not send are ignored. */
  private async ack(deliveryId: string): Promise<void> {
    const sent = this.unacked.get(deliveryId);
    if (!sent) return;
    this.unacked.delete(deliveryId);
    this.unackedBytes -= sent.bytes;
    try {
      await this.queue.remove(this.connection.id, sent.entryId, sent.bytes);
    } catch (error) {
      // Still queued: the next connection sends it again and the CLI acknowledges the repeat without delivering it.
      this.log(`queue of tunnel ${this.connection.id}: could not forget ${deliveryId}: ${(error as Error).message}`);
    }
    this.kick();
  }

  /** Writes one delivery; false when the socket asks us to wait. */
  private send(delivery: StreamDelivery): boolean {
    const late = !this.live.delete(delivery.deliveryId);
    this.unacked.set(delivery.deliveryId, { entryId: delivery.entryId, bytes: delivery.body.length });
    this.unackedBytes += delivery.body.length;
    return writeDelivery(this.connection, delivery, late, () => this.unblock());
  }

  private unblock(): void {
    if (!this.blocked) return;
    this.blocked = false;
    this.kick();
  }
}
