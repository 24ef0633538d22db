// Retention: deletes old exchanges with their body chunks and attempts (ON DELETE CASCADE), in batches so other processes
// are not locked out. Exchanges with an attempt pending or running are kept whatever their age.

import type Database from 'better-sqlite3';

export interface PruneOptions {
  /** Delete exchanges received before this time (epoch ms). */
  before?: number;
  /** Keep only this many of the newest exchanges. */
  keep?: number;
}

const BATCH = 500;
const DELETABLE = `next_attempt_at IS NULL AND lease_pid IS NULL AND state != 'pending'`;

/** Returns how many exchanges were deleted. */
export function pruneExchanges(db: Database.Database, options: PruneOptions): number {
  const conditions: string[] = [];
  const params: number[] = [];
  if (options.before !== undefined) {
    conditions.push('received_at < ?');
    params.push(options.before);
  }
  if (options.keep === 0) conditions.push('1');
  else if (options.keep !== undefined) {
    const cutoff = db.prepare(`SELECT id FROM exchanges ORDER BY id DESC LIMIT 1 OFFSET ?`).pluck().get(options.keep - 1) as number | undefined;
    if (cutoff === undefined && options.before === undefined) return 0;
    if (cutoff !== undefined) {
      conditions.push('id < ?');
      params.push(cutoff);
    } else conditions.push('0');
  }
  if (conditions.length === 0) return 0;
  // Either rule deletes: --older-than 7d --keep 10000 keeps at most 10,000 and nothing older than a week.
  const select = db.prepare(`SELECT id FROM exchanges WHERE (${conditions.join(' OR ')}) AND ${DELETABLE} ORDER BY id LIMIT ${BATCH}`).pluck();
  const remove = db.prepare(`DELETE FROM exchanges WHERE id = ?`);
  const batch = db.transaction((ids: number[]) => {
    for (const id of ids) remove.run(id);
  });
  let deleted = 0;
  for (;;) {
    const ids = select.all(...params) as number[];
    if (ids.length === 0) return deleted;
    batch(ids);
    deleted += ids.length;
  }
}
