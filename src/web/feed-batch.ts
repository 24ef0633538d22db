// Gathers exchange updates for the live feed and sends them as one event at most every FLUSH_MS: under a burst of
// thousands of webhooks a second the page gets a few dozen events, and an exchange that went from pending to
// complete within the window is sent once, as it is now.

import { exchangeToJson, type ExchangeSummary } from '../exchange.js';

/** The feed's delay at most; short enough to read as instant. */
export const FLUSH_MS = 50;

export class FeedBatch {
  private readonly pending = new Map<number, ExchangeSummary>();
  private timer: NodeJS.Timeout | undefined;

  /** `send` gets the updates in the order they first changed, each in the shape `ls --json` prints. */
  constructor(private readonly send: (exchanges: Record<string, unknown>[]) => void) {}

  add(exchange: ExchangeSummary): void {
    // id 0: the store could not record it, so the page could not show its detail.
    if (exchange.id <= 0) return;
    this.pending.set(exchange.id, exchange);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Sends what waits now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()].map((e) => exchangeToJson(e));
    this.pending.clear();
    this.send(batch);
  }

  /** Drops what waits. Idempotent. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
