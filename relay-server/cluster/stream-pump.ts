// Sends a tunnel's queued deliveries from its Redis Stream to the client connected here, in arrival order, and
// deletes each one only on the client's ACK (the same window and framing as delivery-pump.ts, with async reads).

import { DeliveryWindow } from '../delivery-window.js';
import type { TunnelConnection } from '../tunnel-connection.js';
import { redisReason } from './load-redis.js';
import type { StreamQueue } from './stream-queue.js';

export class StreamPump {
  /** Stream entry id of the last delivery sent on this connection ('-': none yet, start from the oldest). */
  private lastEntry = '-';
  private running = false;
  private again = false;
  /** Each delivery in the window is found again by its stream entry id. */
  private readonly window: DeliveryWindow<string>;

  constructor(
    private readonly queue: StreamQueue,
    private readonly connection: TunnelConnection,
    private readonly log: (line: string) => void,
  ) {
    this.window = new DeliveryWindow<string>(connection, () => this.kick());
    connection.onAck = (deliveryId) => void this.ack(deliveryId);
  }

  /** Sends whatever is queued and fits in the window; `liveId` was just enqueued while the client is connected. */
  kick(liveId?: string): void {
    this.window.markLive(liveId);
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
      this.log(`queue of tunnel ${this.connection.id}: ${redisReason(error)}`);
    }
  }

  private async fill(): Promise<void> {
    for (let room = this.window.room(); room > 0; room = this.window.room()) {
      const batch = await this.queue.read(this.connection.id, this.lastEntry, room);
      if (batch.length === 0) return;
      for (const delivery of batch) {
        this.lastEntry = delivery.entryId;
        if (delivery.expiresAt <= Date.now()) {
          await this.queue.remove(this.connection.id, delivery.entryId, delivery.body.length);
          continue;
        }
        if (this.connection.closed || !this.window.send(delivery, delivery.entryId)) return;
      }
    }
  }

  /** The client committed a delivery: only now is it deleted. Ids this connection did not send are ignored. */
  private async ack(deliveryId: string): Promise<void> {
    const sent = this.window.acked(deliveryId);
    if (!sent) return;
    try {
      await this.queue.remove(this.connection.id, sent.where, sent.bytes);
    } catch (error) {
      // Still queued: the next connection sends it again and the CLI acknowledges the repeat without delivering it.
      this.log(`queue of tunnel ${this.connection.id}: could not forget ${deliveryId}: ${redisReason(error)}`);
    }
    this.kick();
  }
}
