// The `/` filter's plain words looked up in bodies a slice at a time: reading bodies must never hold up forwarding.

import type { Exchange, ExchangeSummary } from '../exchange.js';
import { TimeSlices } from '../time-slices.js';
import { WINDOW_SIZE } from './exchange-window.js';
import { bodiesMatch } from './filter.js';

/**
 * Whether each exchange's bodies hold one query's words. A finished exchange never changes, so its verdict holds for
 * good and newer frames only search newer rows; a pending one's holds while it is pending (its response is to come).
 */
export class BodyVerdicts {
  private readonly byId = new Map<number, { state: ExchangeSummary['state']; match: boolean }>();

  /**
   * `limit` bounds them like the window, so a long session with a filter left on does not grow them forever; the
   * least recently used go first, never those of the rows on screen (read at every frame).
   */
  constructor(private readonly limit = 4 * WINDOW_SIZE) {}

  get(row: ExchangeSummary): boolean | undefined {
    const verdict = this.byId.get(row.id);
    if (verdict?.state !== row.state) return undefined;
    // A Map keeps insertion order: moved to the end, it is the last to go.
    this.byId.delete(row.id);
    this.byId.set(row.id, verdict);
    return verdict.match;
  }

  set(row: ExchangeSummary, match: boolean): void {
    this.byId.delete(row.id);
    if (this.byId.size >= this.limit) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(row.id, { state: row.state, match });
  }
}

/** A row whose bodies must be read, and the words (lower-case) they must all hold. */
export interface BodyJob {
  row: ExchangeSummary;
  words: readonly string[];
}

export interface BodySearchOptions {
  /** The whole exchange, bodies included; undefined when it is gone (it then matches nothing). */
  read(id: number): Exchange | undefined;
  verdicts: BodyVerdicts;
  /** Aborted when a newer query, or a newer set of rows, takes over. */
  signal: AbortSignal;
  /** A slice found matches: called before the event loop's turn, so the list can show them already. */
  onFound(): void;
  slices?: TimeSlices;
}

/**
 * Reads each job's exchange and records whether its bodies hold the words, giving the event loop back every few
 * milliseconds (a window of 100 KB bodies takes far longer than a webhook should wait). It starts on a fresh turn, so
 * keys typed in one go (a paste) start one search, not one per key. Resolves true once every job has its verdict,
 * false when aborted.
 */
export async function searchBodies(jobs: readonly BodyJob[], options: BodySearchOptions): Promise<boolean> {
  const { read, verdicts, signal, onFound, slices = new TimeSlices() } = options;
  await slices.next();
  let found = false;
  for (const { row, words } of jobs) {
    if (signal.aborted) return false;
    if (slices.due) {
      if (found) onFound();
      found = false;
      await slices.next();
      if (signal.aborted) return false;
    }
    const exchange = read(row.id);
    const match = exchange !== undefined && bodiesMatch(exchange, words);
    verdicts.set(row, match);
    found ||= match;
  }
  return !signal.aborted;
}
