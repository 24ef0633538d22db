// The TUI model over a capture database alone: what `hooktunnel inspect` shows, and the base of the listen model.

import { editBody, keepEditedBody } from '../edit-body.js';
import type { Exchange, ExchangeSummary } from '../exchange.js';
import type { Target } from '../forward/target.js';
import { manualRetry } from '../delivery/manual-retry.js';
import { replayExchange, type ReplayOptions } from '../replay.js';
import type { ListOptions, Store } from '../store/store.js';
import { StoreWatcher } from '../store/store-watcher.js';
import type { Secrets } from '../webhooks/secrets.js';
import { sanitize } from '../sanitize.js';
import { shellWord } from '../export/shell-quote.js';
import { isFailure, type EditedReplay, type HeaderInfo, type ModelListener, type Suspend, type TuiModel } from './model.js';

export interface StoreModelOptions {
  store: Store;
  /** Header facts at the start; counts start at zero. */
  info: Omit<HeaderInfo, 'requests' | 'failures' | 'storeErrors'>;
  /** Replays go here; undefined: each exchange's original target. */
  replayTo?: Target;
  /** How long a replay waits for the local app (0: forever). */
  timeoutMs: number;
  /** Signing secrets: edited replays are re-signed with them, and every replay is verified like a delivery. */
  secrets?: Secrets;
  /** Re-sign a retry whose signature has aged past its provider's window (default true; listen's --no-resign-late). */
  resignLate?: boolean;
  /** Where $VISUAL and $EDITOR are read for edit-and-replay (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Also shows what other processes record in the store: a `hooktunnel retry` or `replay` in another terminal, a
   * `listen` elsewhere. `watchFiles: false` polls once a second only (listen's own exchanges come as session events).
   */
  follow?: { watchFiles: boolean };
}

const unsuspended: Suspend = (run) => run();

/** Reads history from the store and replays into it; every replay is announced on the feed. */
export class StoreModel implements TuiModel {
  private readonly listeners = new Set<ModelListener>();
  private current: HeaderInfo;
  private closed = false;
  private readonly watcher: StoreWatcher | undefined;

  constructor(private readonly options: StoreModelOptions) {
    this.current = { ...options.info, requests: 0, failures: 0, storeErrors: 0 };
    if (options.follow) {
      this.watcher = new StoreWatcher(options.store, options.follow);
      // Shown, not counted: the header counts what this session forwarded and replayed.
      this.watcher.on('exchange', (exchange) => this.publish(exchange));
    }
  }

  info(): HeaderInfo {
    return this.current;
  }

  subscribe(listener: ModelListener): () => void {
    // Started by the first subscriber, the UI, after it read its first page: what was recorded before is history.
    if (this.listeners.size === 0 && !this.closed) this.watcher?.start();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.watcher?.stop();
    };
  }

  list(options: ListOptions): ExchangeSummary[] {
    return this.options.store.list(options);
  }

  get(id: number): Exchange | undefined {
    return this.options.store.get(id);
  }

  async replay(id: number): Promise<ExchangeSummary | undefined> {
    return (await this.send(id, {}))?.exchange;
  }

  async retry(id: number): Promise<ExchangeSummary | undefined> {
    const original = this.options.store.get(id);
    if (!original) return undefined;
    // Claimed in the store by manualRetry: an automatic retry of listen's cannot send it at the same time.
    const exchange = await manualRetry(this.options.store, original, {
      to: this.options.replayTo,
      timeoutMs: this.options.timeoutMs,
      secrets: this.options.secrets,
      resignLate: this.options.resignLate,
      onStoreError: () => this.countStoreError(),
    });
    this.announce(exchange);
    return exchange;
  }

  async editAndReplay(id: number, suspend: Suspend = unsuspended): Promise<EditedReplay | undefined> {
    const original = this.options.store.get(id);
    if (!original) return undefined;
    const body = await suspend(() => editBody(original, this.options.env));
    // Closed while the editor was open: the store is closed too, so the edit is kept for the user, not sent or lost.
    if (this.closed) {
      this.reportUnsentEdit(id, body.equals(original.requestBody) ? undefined : keepEditedBody(id, body));
      return undefined;
    }
    // Re-signed even when saved unchanged: the recorded signature's timestamp is likely too old for the app by now.
    const result = await this.send(id, { body, resign: true });
    return result && { exchange: result.exchange, edited: !body.equals(original.requestBody), resign: result.resign };
  }

  /** Stops acting on the store, which the caller closes next; an editor still open gets its edit kept, not sent. */
  close(): void {
    this.closed = true;
    this.watcher?.stop();
  }

  private reportUnsentEdit(id: number, keptIn: string | undefined): void {
    const what = keptIn
      ? `the edited body is kept in ${keptIn}; to send it: \`hooktunnel replay ${id} --body-file ${shellWord(keptIn)} --db ${shellWord(this.options.store.path)}\``
      : 'it was saved unchanged';
    const message = `#${id} was not replayed: hooktunnel stopped while its body was being edited; ${what}`;
    // Once the editor exits after listen stopped: the UI is gone and the terminal the shell's again.
    process.stderr.write(`warning: ${sanitize(message)}\n`);
  }

  private async send(id: number, edits: Pick<ReplayOptions, 'body' | 'resign'>) {
    const result = await replayExchange(this.options.store, id, {
      ...edits,
      to: this.options.replayTo,
      timeoutMs: this.options.timeoutMs,
      secrets: this.options.secrets,
      onStoreError: () => this.countStoreError(),
    });
    if (result) this.announce(result.exchange);
    return result;
  }

  /** Publishes an exchange to subscribers and counts it once it is over. */
  protected announce(exchange: ExchangeSummary): void {
    if (exchange.state !== 'pending') {
      this.update({ requests: this.current.requests + 1, failures: this.current.failures + (isFailure(exchange) ? 1 : 0) });
    }
    // Shown now: following the store must neither read it back nor show an older version of it after this one.
    this.watcher?.saw(exchange);
    this.publish(exchange);
  }

  private publish(exchange: ExchangeSummary): void {
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
