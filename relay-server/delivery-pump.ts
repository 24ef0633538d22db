// Sends a tunnel's queued deliveries to its connected client in arrival order, and forgets each one only on its ACK.

import type { DeliveryQueue } from './delivery-queue.js';
import { DeliveryWindow } from './delivery-window.js';
import type { TunnelConnection } from './tunnel-connection.js';

export class DeliveryPump {
  private lastSeq = 0;
  private busy = false;
  private readonly window: DeliveryWindow;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly connection: TunnelConnection,
    private readonly log: (line: string) => void,
  ) {
    this.window = new DeliveryWindow(connection, () => this.kick());
    connection.onAck = (deliveryId) => this.ack(deliveryId);
  }

  /** Sends whatever is queued and fits in the window; `liveId` was just enqueued while the client is connected. */
  kick(liveId?: string): void {
    this.window.markLive(liveId);
    if (this.busy) return;
    this.busy = true;
    try {
      for (let room = this.window.room(); room > 0; room = this.window.room()) {
        const batch = this.queue.pending(this.connection.id, this.lastSeq, room);
        if (batch.length === 0) break;
        for (const delivery of batch) {
          this.lastSeq = delivery.seq;
          if (!this.window.send(delivery, undefined)) break;
        }
      }
    } catch (error) {
      // The queue's store failed: the deliveries stay queued and go out on the next kick or connection.
      this.log(`queue of tunnel ${this.connection.id}: ${(error as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /**
   * The client committed a delivery: only now is it deleted. Deleted even when another connection of this tunnel sent
   * it (the client acks a repeat after a reconnect); unknown ids are ignored.
   */
  private ack(deliveryId: string): void {
    try {
      this.queue.remove(this.connection.id, deliveryId);
    } catch (error) {
      this.log(`queue of tunnel ${this.connection.id}: could not forget ${deliveryId}: ${(error as Error).message}`);
    }
    if (this.window.acked(deliveryId)) this.kick();
  }
}
