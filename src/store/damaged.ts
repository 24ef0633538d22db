// A capture database SQLite finds damaged (a disk, copy or sync that went wrong) is the user's to repair or set aside,
// and one that cannot take a write now (full disk, a lock another process holds) the user's to free: said so with the
// file named and what to do, not as "hooktunnel crashed" with a stack. No SQLite here: main.ts loads it.

import { UserError } from '../errors.js';
import { quoteArg } from '../export/shell-quote.js';

/**
 * The capture databases this process opened (kept after close: a command closes its store in a `finally` before the
 * error reaches main.ts), so an error from any later statement can name its file.
 */
export const openedStoreFiles = new Set<string>();

/** SQLITE_CORRUPT and its extended codes, as better-sqlite3 reports them. (A file that is no database at all fails to open.) */
export function isDamagedDatabase(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CORRUPT');
}

export function damagedDatabase(paths: readonly string[], error: Error): UserError {
  const file = paths.length === 1 ? paths[0] : undefined;
  return new UserError(`the capture database ${file ? `${file} ` : ''}is damaged: ${error.message}`, {
    hint:
      `SQLite can often save what is left: sqlite3 ${file ? quoteArg(file) : '<file>'} .recover | sqlite3 recovered.db, then use --db recovered.db; ` +
      'or move the file aside, and `hooktunnel listen` starts a new one',
    cause: error,
  });
}

/**
 * A write a command could not make because the store is full or locked (SQLITE_FULL, SQLITE_BUSY ...; see
 * isTransientStoreError). listen waits these out in memory; a command that writes directly (prune) cannot.
 */
export function unavailableDatabase(paths: readonly string[], error: Error): UserError {
  const file = paths.length === 1 ? paths[0] : undefined;
  return new UserError(`the capture database ${file ? `${file} ` : ''}could not take the change: ${error.message}`, {
    hint: 'another process holds it locked (a long sqlite3 session?), or its disk is full: try again once it is free',
    cause: error,
  });
}
