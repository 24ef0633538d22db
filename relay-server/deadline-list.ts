// Deadlines that all share one duration (a tunnel's pending timeout), kept in arrival order behind one Node timer.
//
// A setTimeout per public request costs a Timeout object, a list insertion and a clearTimeout on the hot path. Since
// every request of a tunnel waits the same time, arrival order is deadline order: an intrusive doubly linked list gives
// O(1) add and remove with no allocation, and one timer, armed for the oldest entry, is all the list needs.

import { MAX_TIMER_MS } from '../src/long-timeout.js';

/** Something that can time out; the list links it in place (no wrapper object per entry). */
export interface Deadline {
  /** performance.now() at which it expires; set by the list. */
  dueAt: number;
  prevDue: Deadline | undefined;
  nextDue: Deadline | undefined;
  /** Whether it is in a list now. */
  queued: boolean;
  /** Called once when the time is up (the entry is already out of the list). */
  expire(): void;
}

export class DeadlineList {
  private head: Deadline | undefined;
  private tail: Deadline | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly durationMs: number) {}

  /** Nothing waits in it (its timer, if still armed, finds nothing when it fires and stops). */
  get isEmpty(): boolean {
    return this.head === undefined;
  }

  /** Starts the clock for `entry`: it expires durationMs from `now` unless removed first. */
  add(entry: Deadline, now = performance.now()): void {
    entry.dueAt = now + this.durationMs;
    entry.prevDue = this.tail;
    entry.nextDue = undefined;
    entry.queued = true;
    if (this.tail) this.tail.nextDue = entry;
    else this.head = entry;
    this.tail = entry;
    if (!this.timer) this.arm(entry.dueAt, now);
  }

  /** Stops the clock for `entry`; harmless when it is not in the list. The timer stays: it re-arms lazily when it fires. */
  remove(entry: Deadline): void {
    if (!entry.queued) return;
    entry.queued = false;
    const { prevDue, nextDue } = entry;
    if (prevDue) prevDue.nextDue = nextDue;
    else this.head = nextDue;
    if (nextDue) nextDue.prevDue = prevDue;
    else this.tail = prevDue;
    entry.prevDue = entry.nextDue = undefined;
  }

  /** Drops every entry without expiring it and stops the timer. */
  clear(): void {
    while (this.head) this.remove(this.head);
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(dueAt: number, now: number): void {
    // A client may wait longer than that (listen --timeout 30d): the timer fires early, finds nothing due and re-arms.
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(dueAt - now))));
  }

  private fire(): void {
    this.timer = undefined;
    const now = performance.now();
    // Node may fire a millisecond early relative to performance.now(); the list never expires anything early.
    while (this.head && this.head.dueAt <= now) {
      const entry = this.head;
      this.remove(entry);
      entry.expire();
    }
    if (this.head && !this.timer) this.arm(this.head.dueAt, now);
  }
}
