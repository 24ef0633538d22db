// Long work on the thread that also forwards webhooks, cut into short slices with the event loop given back between.

import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * How long a slice runs. A search reads bodies (2,000 rows of 100 KB: 0.4–0.7 s) on the thread that also forwards
 * `listen`'s webhooks; given back after this long, the event loop lets a webhook wait a few milliseconds, not the
 * whole search.
 */
const SLICE_MS = 5;

/** Times the current slice of some long work: once `due`, the work awaits `next()`, which lets timers and I/O run. */
export class TimeSlices {
  private start = performance.now();

  /** This slice has had its time; check between units of work (one row, one body). */
  get due(): boolean {
    return performance.now() - this.start > SLICE_MS;
  }

  /** Gives the event loop a turn (pending I/O, timers, immediates), then starts a new slice. */
  async next(): Promise<void> {
    await nextTurn();
    this.start = performance.now();
  }
}
