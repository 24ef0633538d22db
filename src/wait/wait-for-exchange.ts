// Waits until an exchange matching every expression is settled in the store, written by this or any other process.

import type { Exchange } from '../exchange.js';
import { matchesAll, type Matcher } from '../match/match-expr.js';
import { PROGRESS_BATCH, type Store } from '../store/store.js';
import { watchDatabase } from './file-changes.js';

export interface WaitOptions {
  matchers: Matcher[];
  /** Only exchanges with a greater id. */
  afterId: number;
  /** Only exchanges received at or after this time (epoch ms). */
  receivedSince?: number;
  /** 0 or undefined: no limit. */
  timeoutMs?: number;
  /** Fallback poll interval (tests shorten or lengthen it). */
  pollMs?: number;
}

/** Resolves with the first matching exchange (lowest id among those settled), or null on timeout. */
export function waitForExchange(store: Store, options: WaitOptions): Promise<Exchange | null> {
  // Every id at or below `cursor` has been looked at; ids above it that were settled and did not match are in `seen`.
  let cursor = options.afterId;
  const seen = new Set<number>();
  const check = (): Exchange | null => {
    for (;;) {
      const before = cursor;
      const { found, full } = checkBatch();
      // A full batch that moved the cursor may have more behind it (a large backlog with --since).
      if (found || !full || cursor === before) return found;
    }
  };
  const checkBatch = (): { found: Exchange | null; full: boolean } => {
    const rows = store.progressAfter(cursor);
    const full = rows.length >= PROGRESS_BATCH;
    let contiguous = true;
    for (const row of rows) {
      // An exchange still being answered or retried is looked at once it settles.
      if (!row.settled) {
        contiguous = false;
        continue;
      }
      if (!seen.has(row.id)) {
        seen.add(row.id);
        const exchange = (options.receivedSince === undefined || row.receivedAt >= options.receivedSince) && store.get(row.id);
        if (exchange && matchesAll(options.matchers, exchange)) return { found: exchange, full };
      }
      if (contiguous) {
        cursor = row.id;
        seen.delete(row.id);
      }
    }
    return { found: null, full };
  };

  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (result: Exchange | null, error?: unknown) => {
      done = true;
      clearTimeout(timer);
      changes.close();
      if (error) reject(error);
      else resolve(result);
    };
    const run = () => {
      if (done) return;
      try {
        const found = check();
        if (found) finish(found);
      } catch (error) {
        finish(null, error);
      }
    };
    // Watch first, then look: a commit between the two is then never missed.
    const changes = watchDatabase(store.path, run, options.pollMs);
    if (options.timeoutMs) timer = setTimeout(() => finish(null), options.timeoutMs);
    run();
  });
}
