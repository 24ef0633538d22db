// Waits until an exchange matching every expression is settled in the store, written by this or any other process.

import type { Exchange } from '../exchange.js';
import { fieldsMayMatch, matchesAll, type Matcher } from '../match/match-expr.js';
import { PROGRESS_BATCH, type Progress, type Store } from '../store/store.js';
import { watchDatabase } from './file-changes.js';
import { setLongTimeout, type LongTimeout } from '../long-timeout.js';

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

/** More rows are waiting to be looked at: the catch-up over a long --since window goes on in the next turn. */
const MORE = Symbol('more');

/** Resolves with the first matching exchange (lowest id among those settled), or null on timeout. */
export function waitForExchange(store: Store, options: WaitOptions): Promise<Exchange | null> {
  // Every id at or below `scanned` has been looked at once; those not settled then are looked at again, by id, until
  // they are. (A cursor held back by the oldest unsettled row stopped seeing anything once 500 rows piled up behind a
  // row that never settles: one a crashed recorder left pending.)
  let scanned = options.afterId;
  const unsettled = new Set<number>();
  const look = (row: Progress): Exchange | null => {
    // An exchange still being answered or retried is looked at once it settles.
    if (!row.settled) {
      unsettled.add(row.id);
      return null;
    }
    unsettled.delete(row.id);
    if (options.receivedSince !== undefined && row.receivedAt < options.receivedSince) return null;
    // Ruled out by its path, status, provider …: its headers and bodies are not read. `wait --since 30d` read all of
    // them (150,000 exchanges of a 300,000-exchange store, 11.5 s) to find one by its path.
    if (!fieldsMayMatch(options.matchers, row.fields)) return null;
    const exchange = store.get(row.id);
    return exchange && matchesAll(options.matchers, exchange) ? exchange : null;
  };
  const check = (): Exchange | null | typeof MORE => {
    // Ids enter the set in rising order (from the scan below), so this is lowest first.
    for (const id of unsettled) {
      const row = store.progressOf(id);
      if (!row) unsettled.delete(id);
      const found = row && look(row);
      if (found) return found;
    }
    const rows = store.progressAfter(scanned);
    for (const row of rows) {
      scanned = row.id;
      const found = look(row);
      if (found) return found;
    }
    return rows.length < PROGRESS_BATCH ? null : MORE;
  };

  return new Promise((resolve, reject) => {
    let timer: LongTimeout | undefined;
    let done = false;
    const finish = (result: Exchange | null, error?: unknown) => {
      done = true;
      timer?.clear();
      changes.close();
      if (error) reject(error);
      else resolve(result);
    };
    let resumeScheduled = false;
    const run = () => {
      if (done) return;
      try {
        const found = check();
        if (found === MORE) {
          // One batch per turn: the --timeout timer (and a Ctrl-C) get their turn during a long catch-up. The file
          // watch calling run meanwhile starts no second chain.
          if (!resumeScheduled) {
            resumeScheduled = true;
            setImmediate(() => {
              resumeScheduled = false;
              run();
            });
          }
          return;
        }
        if (found) finish(found);
      } catch (error) {
        finish(null, error);
      }
    };
    // Watch first, then look: a commit between the two is then never missed.
    const changes = watchDatabase(store.path, run, options.pollMs);
    if (options.timeoutMs) timer = setLongTimeout(() => finish(null), options.timeoutMs);
    run();
  });
}
