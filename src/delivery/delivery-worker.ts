// Runs due attempts for one target, one at a time, in due order: first deliveries of queued requests (in the order the
// relay received them) and retries. What is due lives in the store, so a restarted listener picks up where it was.

import { EventEmitter } from 'node:events';
import type { ExchangeSummary } from '../exchange.js';
import { runAttempt, type AttemptContext } from './attempt.js';

export interface DeliveryWorkerEvents {
  /** An attempt finished (the exchange as it stands, with its attempt count and next retry). */
  exchange: [ExchangeSummary];
  storeError: [Error];
}

/** Also look at the store this often: another process may have claimed, retried or released something. */
const RECHECK_MS = 5_000;

export class DeliveryWorker extends EventEmitter<DeliveryWorkerEvents> {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** The pass over due attempts under way, if any. */
  private pass: Promise<void> | undefined;
  private again = false;
  /**
   * The last drain failed on the store or found it locked: the next one waits recheckMs, not until the (already due)
   * attempt.
   */
  private paused = false;
  private closed = false;
  private readonly targets: string[];

  constructor(
    private readonly ctx: AttemptContext,
    /** Only these targets' exchanges (one, or one per route): several listeners may share one database. */
    targets: string | string[],
    private readonly recheckMs = RECHECK_MS,
  ) {
    super();
    this.targets = [targets].flat();
  }

  /** Attempts waiting in the store for these targets (shown at start). */
  pending(): number {
    return this.targets.reduce((sum, target) => sum + this.ctx.store.deliveries.pendingCount(target), 0);
  }

  start(): void {
    this.wake();
  }

  /** Something may be due now (a queued delivery was committed). */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.pass = this.drain();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Is a pass over due attempts under way? */
  get busy(): boolean {
    return this.running;
  }

  /** Starts no attempt from now on, and resolves once the one under way, if any, is over and recorded. */
  async finish(): Promise<void> {
    this.close();
    await this.pass;
  }

  private async drain(): Promise<void> {
    this.running = true;
    clearTimeout(this.timer);
    try {
      do {
        this.again = false;
        for (const id of this.targets.flatMap((target) => this.ctx.store.deliveries.due(target, 50))) {
          if (this.closed) return;
          const result = await runAttempt(this.ctx, id, 'auto');
          // Another process holds the write lock (an import, a prune --vacuum): not an error, nothing failed. The
          // attempt stays due and is tried at the next recheck, not at once: it is due already, that would spin.
          if (!result.sent && result.busy) {
            this.paused = true;
            return;
          }
          if (result.sent) this.emit('exchange', result.exchange);
          this.again = true;
        }
      } while (this.again && !this.closed);
    } catch (error) {
      // A full disk fails at once and a due attempt stays due: without a pause this retried in a busy loop (thousands
      // of store errors a second).
      this.paused = true;
      this.emit('storeError', error as Error);
    } finally {
      this.running = false;
      this.arm();
    }
  }

  private arm(): void {
    if (this.closed) return;
    if (this.paused) {
      this.paused = false;
      this.timer = setTimeout(() => this.wake(), this.recheckMs);
      this.timer.unref();
      return;
    }
    let next: number | undefined;
    try {
      const dues = this.targets.map((target) => this.ctx.store.deliveries.nextDue(target)).filter((t) => t !== undefined);
      next = dues.length > 0 ? Math.min(...dues) : undefined;
    } catch {
      next = undefined;
    }
    const wait = next === undefined ? this.recheckMs : Math.max(0, Math.min(this.recheckMs, next - Date.now()));
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }
}
