// Recording writes that keep going when the database cannot take them (SQLITE_FULL, SQLITE_BUSY): they wait here, in order
// and bounded, and are written when it recovers. Past the bound, whole exchanges are dropped and counted.

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
  /** An exchange was dropped; the total so far. */
  dropped: [number];
}

interface Pending {
  owner: object;
  bytes: number;
  write: () => void;
}

export class WriteBehind extends EventEmitter<WriteBehindEvents> {
  private readonly queue: Pending[] = [];
  private readonly waiting = new Map<object, number>();
  private readonly droppedOwners = new WeakSet<object>();
  private bytes = 0;
  /** Exchanges dropped since the process started. */
  dropped = 0;

  constructor(private readonly limits: BufferLimits = DEFAULT_BUFFER_LIMITS) {
    super();
  }

  /** Writes still waiting for the store. */
  get backlog(): number {
    return this.queue.length;
  }

  /**
   * Runs `write` now, or (once the store has failed, and until every earlier write is in) queues it behind the others,
   * so one exchange's writes keep their order. Throws only errors that are not transient.
   */
  run(owner: object, bytes: number, write: () => void): void {
    if (this.droppedOwners.has(owner)) return;
    if (this.queue.length === 0) {
      try {
        write();
        return;
      } catch (error) {
        if (!isTransientStoreError(error)) throw error;
        this.emit('buffering', error as Error);
      }
    }
    const newcomer = !this.waiting.has(owner);
    if ((newcomer && this.waiting.size >= this.limits.maxExchanges) || this.bytes + bytes > this.limits.maxBytes) {
      this.drop(owner);
      return;
    }
    this.queue.push({ owner, bytes, write });
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
