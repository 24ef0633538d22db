// The TUI model over a capture database alone: what `hooktunnel inspect` shows, and the base of the listen model.

import type { Exchange, ExchangeSummary } from '../exchange.js';
import type { Target } from '../forward/target.js';
import { replayExchange } from '../replay.js';
import type { ListOptions, Store } from '../store/store.js';
import { isFailure, type HeaderInfo, type ModelListener, type TuiModel } from './model.js';

export interface StoreModelOptions {
  store: Store;
  /** Header facts at the start; counts start at zero. */
  info: Omit<HeaderInfo, 'requests' | 'failures' | 'storeErrors'>;
  /** Replays go here; undefined: each exchange's original target. */
  replayTo?: Target;
  /** How long a replay waits for the local app (0: forever). */
  timeoutMs: number;
}

/** Reads history from the store and replays into it; every replay is announced on the feed. */
export class StoreModel implements TuiModel {
  private readonly listeners = new Set<ModelListener>();
  private current: HeaderInfo;

  constructor(private readonly options: StoreModelOptions) {
    this.current = { ...options.info, requests: 0, failures: 0, storeErrors: 0 };
  }

  info(): HeaderInfo {
    return this.current;
  }

  subscribe(listener: ModelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(options: ListOptions): ExchangeSummary[] {
    return this.options.store.list(options);
  }

  get(id: number): Exchange | undefined {
    return this.options.store.get(id);
  }

  async replay(id: number): Promise<ExchangeSummary | undefined> {
    const result = (
      await replayExchange(this.options.store, id, {
        to: this.options.replayTo,
        timeoutMs: this.options.timeoutMs,
        onStoreError: () => this.countStoreError(),
      })
    )?.exchange;
    if (result) this.announce(result);
    return result;
  }

  /** Publishes an exchange to subscribers and counts it once it is over. */
  protected announce(exchange: ExchangeSummary): void {
    if (exchange.state !== 'pending') {
      this.update({ requests: this.current.requests + 1, failures: this.current.failures + (isFailure(exchange) ? 1 : 0) });
    }
    for (const listener of this.listeners) listener.exchange?.(exchange);
  }

  protected countStoreError(): void {
    this.update({ storeErrors: this.current.storeErrors + 1 });
  }

  protected update(patch: Partial<HeaderInfo>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener.info?.(this.current);
  }
}
