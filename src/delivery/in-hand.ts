// Relay deliveries this process holds whose outcome is not in the store yet: still being forwarded, or recorded only
// in memory while the store is full or locked. The relay may send such a delivery again (it requeued a live request
// whose tunnel dropped, or it never got our ACK); the store cannot answer "already delivered?" for it, this can.

import type { Recording } from '../store/recording.js';

export interface InHand {
  /** Resolves when the attempt this process made is over (its exchange finished). */
  done: Promise<unknown>;
  /** Did the whole request reach this process? A body cut off mid-way was never delivered. */
  whole(): boolean;
  /** Its recording, while the store has not committed it; undefined without a store. */
  recording?: Recording;
}

export class DeliveriesInHand {
  private readonly held = new Map<string, InHand>();
  private readonly over = new WeakSet<InHand>();

  /**
   * Holds `deliveryId` until its recording is committed (at once without one: the store is then the source of truth),
   * or, if the store overflowed and dropped the recording, until its attempt is over: a dropped recording is never
   * committed, and holding it would keep every exchange dropped in an outage for the life of the process.
   */
  track(deliveryId: string, entry: InHand): void {
    this.held.set(deliveryId, entry);
    const forget = () => {
      if (this.held.get(deliveryId) === entry) this.held.delete(deliveryId);
    };
    const recording = entry.recording;
    void entry.done.then(() => {
      this.over.add(entry);
      if (!recording || recording.dropped) forget();
    });
    recording?.onCommitted(() => void entry.done.then(forget));
  }

  /** The store just dropped recordings: forget those whose attempt is over (the others go when it is). */
  forgetDropped(): void {
    for (const [deliveryId, entry] of this.held) if (entry.recording?.dropped && this.over.has(entry)) this.held.delete(deliveryId);
  }

  get(deliveryId: string): InHand | undefined {
    return this.held.get(deliveryId);
  }

  forget(deliveryId: string): void {
    this.held.delete(deliveryId);
  }
}
