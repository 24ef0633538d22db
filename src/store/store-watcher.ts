// Follows what any process records in the capture database: new rows and changes to recent ones, for the web
// inspector's live feed and the TUI's list.
// SQLite has no cross-process change notification, so the database file and its WAL are watched (as `hooktunnel wait`
// watches them: src/wait/file-changes.ts) and, because a watch can miss events, polled on a slow timer as well.

import { EventEmitter } from 'node:events';
import type { ExchangeSummary } from '../exchange.js';
import type { Store } from './store.js';
import { watchDatabase, type FileChanges } from '../wait/file-changes.js';
import { isOlderThan, summaryPrint } from './summary-version.js';

/** The fallback poll; a change fs.watch reports is picked up at once. */
export const POLL_MS = 1_000;
/** New rows read per check: a burst larger than this is caught up over the next checks. */
const NEW_ROWS_PER_CHECK = 500;
/** Recent rows re-read per check, to see a pending exchange complete or its signature verdict arrive. */
const RECENT_ROWS = 50;
/** Changes reported within this time are read once. */
const COALESCE_MS = 25;
/** Unsettled rows outside the recent window re-read per check at most (a burst of pending rows settles over a few). */
const UNSETTLED_PER_CHECK = 1_000;

export interface StoreWatcherEvents {
  exchange: [ExchangeSummary];
  /** Exchanges were deleted (`hooktunnel prune`, `listen --keep`): rows a page shows may be gone. */
  pruned: [];
}

/** What the watcher last knew of a row. */
interface Known {
  print: string;
  /** The version its recording process announced (see saw): a read of an older one is not news. */
  announced?: ExchangeSummary;
}

export class StoreWatcher extends EventEmitter<StoreWatcherEvents> {
  private lastId = 0;
  private pruned = 0;
  /** The store's data_version at the last check: unchanged, nothing was committed by another process since. */
  private dataVersion = 0;
  private readonly seen = new Map<number, Known>();
  /**
   * Rows last seen pending or with an attempt due: they will change, however far below the recent window a burst of
   * newer rows pushed them (a page shows "pending" until it hears of the result).
   */
  private readonly unsettled = new Set<number>();
  /** When the unsettled rows outside the recent window were last read back. */
  private olderReadAt = 0;
  private changes: FileChanges | undefined;
  private poll: NodeJS.Timeout | undefined;
  private scheduled: NodeJS.Timeout | undefined;
  private closed = false;

  /**
   * `watchFiles: false` polls only: for `listen`, whose own exchanges arrive as session events at once, so only
   * other processes' rows (a `hooktunnel replay`) come through here and a second's delay is fine.
   */
  constructor(
    private readonly store: Store,
    private readonly options: { watchFiles: boolean } = { watchFiles: true },
  ) {
    super();
  }

  /** Starts from the rows recorded so far (they are history, not news). Call again after stop() to resume. */
  start(): void {
    this.stop();
    this.closed = false;
    this.seen.clear();
    this.unsettled.clear();
    this.dataVersion = this.store.dataVersion();
    for (const row of this.store.list({ limit: RECENT_ROWS })) this.remember(row);
    this.lastId = this.store.lastId();
    this.pruned = this.store.prunedTotal();
    // Not the -shm file: reading touches it, so watching it would wake this watcher with its own reads.
    if (this.options.watchFiles && this.store.path !== ':memory:') this.changes = watchDatabase(this.store.path, () => this.schedule(), POLL_MS);
    else {
      this.poll = setInterval(() => this.check(), POLL_MS);
      this.poll.unref();
    }
  }

  /**
   * The caller recorded this version of the row itself and has shown it (listen's own exchange, a replay): checks
   * neither read it back nor report it while only this process writes, and never report an older version of it (read
   * before this process's writes were committed) after it.
   */
  saw(row: ExchangeSummary): void {
    if (this.closed) return;
    this.seen.set(row.id, { print: summaryPrint(row), announced: row });
    this.track(row);
  }

  /** Reads now (after this process wrote something itself, say). */
  schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.check();
    }, COALESCE_MS);
  }

  /** Stops watching (no page is open: nothing to do). Idempotent; start() resumes. */
  stop(): void {
    this.closed = true;
    this.changes?.close();
    this.changes = undefined;
    clearInterval(this.poll);
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
  }

  private check(): void {
    if (this.closed) return;
    let rows: ExchangeSummary[];
    let pruned: number;
    try {
      pruned = this.store.prunedTotal();
      const dataVersion = this.store.dataVersion();
      // Only this process wrote since the last check: what it announced is as it announced it.
      const elsewhere = dataVersion !== this.dataVersion;
      this.dataVersion = dataVersion;
      const worthReading = (id: number) => elsewhere || this.seen.get(id)?.announced === undefined;
      // Ids alone first (no row is decoded for them): the rows this process announced are read back only when another
      // process may have changed them. Under listen they are nearly all of them.
      const freshIds = this.store.listIds({ afterId: this.lastId, oldestFirst: true, limit: NEW_ROWS_PER_CHECK });
      const recentIds = this.store.listIds({ limit: RECENT_ROWS }).reverse();
      const windowStart = recentIds[0] ?? Infinity;
      const older: ExchangeSummary[] = [];
      // Reading a row back costs ~15 µs, and a burst recorded elsewhere wakes this check up to 40 times a second: the
      // rows outside the recent window (retries due later, a queue) are re-read once a poll interval at most.
      const now = Date.now();
      const olderDue = now - this.olderReadAt >= POLL_MS;
      if (olderDue) this.olderReadAt = now;
      for (const id of olderDue ? [...this.unsettled].filter((id) => id < windowStart).slice(0, UNSETTLED_PER_CHECK) : []) {
        const row = this.store.summary(id);
        // Gone (pruned): nothing more will happen to it.
        if (row) older.push(row);
        else this.unsettled.delete(id);
      }
      const known = recentIds.filter((id) => id <= this.lastId && worthReading(id));
      const fresh = freshIds.filter(worthReading);
      rows = [...older, ...this.store.summaries([...known, ...fresh])];
      if (freshIds.length > 0) this.lastId = Math.max(this.lastId, freshIds[freshIds.length - 1]);
    } catch {
      // Locked or busy: the next change or poll tries again.
      return;
    }
    if (pruned !== this.pruned) {
      this.pruned = pruned;
      this.emit('pruned');
    }
    for (const row of rows) {
      if (this.remember(row)) this.emit('exchange', row);
      if (row.id > this.lastId) this.lastId = row.id;
    }
    this.forgetOld();
  }

  /** True when the row is new or changed since it was last seen, and not older than what its recorder announced. */
  private remember(row: ExchangeSummary): boolean {
    const known = this.seen.get(row.id);
    if (known?.announced && isOlderThan(row, known.announced)) return false;
    this.track(row);
    const print = summaryPrint(row);
    if (known?.print === print) return false;
    this.seen.set(row.id, { print, announced: known?.announced });
    return true;
  }

  private track(row: ExchangeSummary): void {
    if (row.state === 'pending' || row.nextAttemptAt !== undefined) this.unsettled.add(row.id);
    else this.unsettled.delete(row.id);
  }

  /**
   * Only the recent window (and the unsettled rows, re-read until they settle) is compared, so the map stays small
   * however long the page is open. Rows announced above the last id read stay: the next check must skip them.
   */
  private forgetOld(): void {
    if (this.seen.size <= RECENT_ROWS * 4 + this.unsettled.size) return;
    const settled = [...this.seen.keys()].filter((id) => !this.unsettled.has(id) && id <= this.lastId);
    const cut = settled.sort((a, b) => a - b).slice(0, Math.max(0, settled.length - RECENT_ROWS * 2));
    for (const id of cut) this.seen.delete(id);
  }
}
