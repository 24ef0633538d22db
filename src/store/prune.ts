// Retention: deletes old exchanges with their body chunks and attempts (ON DELETE CASCADE), in batches so other processes
// are not locked out. Exchanges with an attempt pending or running are kept whatever their age.

import type Database from 'better-sqlite3';

export interface PruneOptions {
  /** Delete exchanges received before this time (epoch ms). */
  before?: number;
  /** Keep only this many of the newest exchanges. */
  keep?: number;
}

/** Exchanges deleted per transaction: ~17 ms of holding the write lock with 300,000 exchanges of 1-20 KB. */
export const PRUNE_BATCH = 500;
/** Exchanges pruned over the life of the database, in the counters table: readers (an open inspector) see rows go. */
export const PRUNED_COUNTER = 'pruned_exchanges';
/** Adds to a named counter (`?` name, `?` amount), creating it at its first use. */
export const ADD_TO_COUNTER = `INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value`;
const DELETABLE = `next_attempt_at IS NULL AND lease_pid IS NULL AND state != 'pending'`;

/** What a prune would do: how many exchanges it deletes, and how many the database holds. */
export interface PrunePlan {
  deletes: number;
  total: number;
}

/** The exchanges a rule selects, as a WHERE clause; undefined when it selects none. */
function selection(db: Database.Database, options: PruneOptions): { where: string; params: number[] } | undefined {
  const conditions: string[] = [];
  const params: number[] = [];
  if (options.before !== undefined) {
    conditions.push('received_at < ?');
    params.push(options.before);
  }
  if (options.keep === 0) conditions.push('1');
  else if (options.keep !== undefined) {
    const cutoff = db.prepare(`SELECT id FROM exchanges ORDER BY id DESC LIMIT 1 OFFSET ?`).pluck().get(options.keep - 1) as number | undefined;
    if (cutoff === undefined && options.before === undefined) return undefined;
    if (cutoff !== undefined) {
      conditions.push('id < ?');
      params.push(cutoff);
    } else conditions.push('0');
  }
  if (conditions.length === 0) return undefined;
  // Either rule deletes: --older-than 7d --keep 10000 keeps at most 10,000 and nothing older than a week.
  return { where: `(${conditions.join(' OR ')}) AND ${DELETABLE}`, params };
}

/** Counts without deleting, so `prune` can ask before emptying the database. */
export function planPrune(db: Database.Database, options: PruneOptions): PrunePlan {
  const total = db.prepare(`SELECT count(*) FROM exchanges`).pluck().get() as number;
  const selected = selection(db, options);
  const deletes = selected ? (db.prepare(`SELECT count(*) FROM exchanges WHERE ${selected.where}`).pluck().get(...selected.params) as number) : 0;
  return { deletes, total };
}

/** Waits between two batches; gets how long the last one held the write lock (ms). */
export type PauseBetweenBatches = (heldMs: number) => Promise<void>;

/**
 * Gives the lock away for as long as the batch held it. Without a pause the next batch took the lock again at once:
 * another process's writer sleeping in SQLite's busy handler (listen recording a webhook) woke into a held lock, slept
 * longer, and stalled its event loop for up to 2.5 s while a large prune ran. In listen itself (--keep), the pause is
 * also when webhooks are forwarded.
 */
const pauseAsLongAsHeld: PauseBetweenBatches = (heldMs) => new Promise((resolve) => setTimeout(resolve, Math.max(1, heldMs)));

/** Returns how many exchanges were deleted; each batch of PRUNE_BATCH is its own transaction, with a pause after it. */
export async function pruneExchanges(db: Database.Database, options: PruneOptions, pause: PauseBetweenBatches = pauseAsLongAsHeld): Promise<number> {
  const selected = selection(db, options);
  if (!selected) return 0;
  const select = db.prepare(`SELECT id FROM exchanges WHERE ${selected.where} ORDER BY id LIMIT ${PRUNE_BATCH}`).pluck();
  const remove = db.prepare(`DELETE FROM exchanges WHERE id = ?`);
  const count = db.prepare(ADD_TO_COUNTER);
  const batch = db.transaction((ids: number[]) => {
    for (const id of ids) remove.run(id);
    count.run(PRUNED_COUNTER, ids.length);
  });
  let deleted = 0;
  for (;;) {
    // Closed during a pause (listen stopping mid-prune): the rest waits for the next prune.
    if (!db.open) return deleted;
    const started = performance.now();
    const ids = select.all(...selected.params) as number[];
    if (ids.length === 0) return deleted;
    batch(ids);
    deleted += ids.length;
    await pause(performance.now() - started);
  }
}
