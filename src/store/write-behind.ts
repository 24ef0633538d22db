// Recording writes, batched and resilient. Writes made in one event-loop turn are committed together in one
// transaction at the end of the turn (one commit instead of three per webhook). When the database cannot take them
// (SQLITE_FULL, SQLITE_BUSY) they wait here, in order and bounded, and are written when it recovers. Past the bound,
// whole exchanges are dropped and counted.

import { EventEmitter } from 'node:events';

export interface BufferLimits {
  /** Exchanges with writes waiting; one more is dropped. */
  maxExchanges: number;
  /** Bytes of waiting writes (bodies, mostly); an exchange that would pass it is dropped. */
  maxBytes: number;
}

export const DEFAULT_BUFFER_LIMITS: BufferLimits = { maxExchanges: 1_000, maxBytes: 64 * 1024 * 1024 };

/** Errors of a store that may recover by itself: full disk, a lock held by another process, I/O. Others are bugs. */
export function isTransientStoreError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|BUSY|LOCKED|IOERR)/.test(code);
}

export interface WriteBehindEvents {
  /** The store failed; writes wait in memory from now on. */
  buffering: [Error];
  /** Every waiting write reached the store. */
  recovered: [];
  /** A batch failed for a reason that waiting will not fix (a bug, a corrupt file); its writes are lost. */
  failed: [Error];
  /** An exchange was dropped; the total so far. */
  dropped: [number];
}

interface Pending {
  owner: object;
  bytes: number;
  write: () => void;
}

/** Runs the function in one transaction (better-sqlite3's db.transaction). */
export type Transact = (writes: () => void) => void;

export class WriteBehind extends EventEmitter<WriteBehindEvents> {
  private readonly queue: Pending[] = [];
  /** This turn's writes, committed together at its end. */
  private batch: Pending[] = [];
  private flushScheduled = false;
  /** Run once this turn's batch is settled: committed, or held in memory because the store failed. */
  private afterBatch: (() => void)[] = [];
  /** Run once the writes made so far are committed (while a batch commits, they wait for its end). */
  private afterCommit: (() => void)[] | undefined;
  private readonly waiting = new Map<object, number>();
  private readonly droppedOwners = new WeakSet<object>();
  private bytes = 0;
  /** Exchanges dropped since the process started. */
  dropped = 0;

  constructor(
    private readonly limits: BufferLimits = DEFAULT_BUFFER_LIMITS,
    private readonly transact: Transact = (writes) => writes(),
  ) {
    super();
  }

  /** Writes still waiting for the store. */
  get backlog(): number {
    return this.queue.length;
  }

  /**
   * Adds `write` to this turn's batch, or (once the store has failed, and until every earlier write is in) queues it
   * behind the others, so one exchange's writes keep their order.
   */
  run(owner: object, bytes: number, write: () => void): void {
    if (this.droppedOwners.has(owner)) return;
    if (this.queue.length === 0) {
      this.batch.push({ owner, bytes, write });
      this.scheduleFlush();
      return;
    }
    this.hold({ owner, bytes, write });
  }

  /**
   * Runs `fn` when this turn's writes are settled: committed, or (store failing) held in memory. Forwarding waits for
   * this, so a request is in the store before the local app sees it, yet a failing store never stops forwarding.
   */
  whenSettled(fn: () => void): void {
    if (this.batch.length === 0) fn();
    else this.afterBatch.push(fn);
  }

  /** Runs `fn` after the current transaction commits; at once outside one. Callbacks must not see uncommitted rows as done. */
  whenCommitted(fn: () => void): void {
    if (this.afterCommit) this.afterCommit.push(fn);
    else fn();
  }

  /** Commits this turn's writes now (at close, or before reading them back). */
  commitBatch(): void {
    const batch = this.batch;
    const settled = this.afterBatch;
    this.batch = [];
    this.afterBatch = [];
    if (batch.length > 0) this.commit(batch);
    for (const fn of settled) fn();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.commitBatch();
    });
  }

  /** One transaction for the batch. If the store fails, every write of it waits in memory instead, in order. */
  private commit(batch: Pending[]): void {
    const committed: (() => void)[] = [];
    this.afterCommit = committed;
    try {
      this.transact(() => {
        for (const pending of batch) if (!this.droppedOwners.has(pending.owner)) pending.write();
      });
    } catch (error) {
      // Rolled back as a whole: nothing of it is committed, so nothing may be announced as such.
      committed.length = 0;
      this.afterCommit = undefined;
      if (isTransientStoreError(error)) {
        this.emit('buffering', error as Error);
        for (const pending of batch) this.hold(pending);
      } else {
        // One bad write (a constraint, a bug) must not take the others down with it: write them one by one.
        this.writeEach(batch);
      }
      return;
    }
    this.afterCommit = undefined;
    for (const fn of committed) fn();
  }

  private writeEach(batch: Pending[]): void {
    for (const pending of batch) {
      if (this.droppedOwners.has(pending.owner)) continue;
      if (this.queue.length > 0) {
        this.hold(pending);
        continue;
      }
      try {
        pending.write();
      } catch (error) {
        if (isTransientStoreError(error)) {
          this.emit('buffering', error as Error);
          this.hold(pending);
        } else {
          this.emit('failed', error as Error);
        }
      }
    }
  }

  private hold(pending: Pending): void {
    const { owner, bytes } = pending;
    if (this.droppedOwners.has(owner)) return;
    const newcomer = !this.waiting.has(owner);
    if ((newcomer && this.waiting.size >= this.limits.maxExchanges) || this.bytes + bytes > this.limits.maxBytes) {
      this.drop(owner);
      return;
    }
    this.queue.push(pending);
    this.waiting.set(owner, (this.waiting.get(owner) ?? 0) + 1);
    this.bytes += bytes;
  }

  /** Tries the waiting writes in order; true when none is left. A write that fails for good is skipped and reported. */
  flush(onError: (error: Error) => void = () => {}): boolean {
    while (this.queue.length > 0) {
      const next = this.queue[0];
      try {
        next.write();
      } catch (error) {
        if (isTransientStoreError(error)) return false;
        onError(error as Error);
      }
      this.queue.shift();
      this.bytes -= next.bytes;
      this.release(next.owner);
      if (this.queue.length === 0) this.emit('recovered');
    }
    return true;
  }

  /** Is this exchange dropped (its remaining writes are ignored)? */
  isDropped(owner: object): boolean {
    return this.droppedOwners.has(owner);
  }

  private drop(owner: object): void {
    this.droppedOwners.add(owner);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].owner !== owner) continue;
      this.bytes -= this.queue[i].bytes;
      this.queue.splice(i, 1);
    }
    this.waiting.delete(owner);
    this.dropped++;
    this.emit('dropped', this.dropped);
  }

  private release(owner: object): void {
    const left = (this.waiting.get(owner) ?? 1) - 1;
    if (left > 0) this.waiting.set(owner, left);
    else this.waiting.delete(owner);
  }
}
