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
/** The relay state files (relay.db) it opened: an error that may be theirs must not be blamed on a capture database. */
export const openedRelayFiles = new Set<string>();

/** Which file an error from a statement came from, when this process opened only one database. */
function suspect(): { file: string; kind: 'capture' | 'relay' } | undefined {
  if (openedStoreFiles.size + openedRelayFiles.size !== 1) return undefined;
  const [capture] = openedStoreFiles;
  return capture ? { file: capture, kind: 'capture' } : { file: [...openedRelayFiles][0], kind: 'relay' };
}

/** damagedDatabase or unavailableDatabase for an error main.ts caught, naming the file when it can only be one. */
export function databaseError(error: Error, damaged: boolean): UserError {
  const known = suspect();
  if (known?.kind === 'relay') {
    return new UserError(`the relay's state database ${known.file} ${damaged ? 'is damaged' : 'could not take the change'}: ${error.message}`, {
      hint: damaged
        ? 'move it aside and start the relay again: it starts a new one (its tokens, names and queued requests stay in the old file)'
        : 'another process holds it locked, or its disk is full: try again once it is free',
      code: damaged ? 'database_damaged' : 'database_unavailable',
      cause: error,
    });
  }
  const paths = known ? [known.file] : [];
  return damaged ? damagedDatabase(paths, error) : unavailableDatabase(paths, error);
}

/** SQLITE_CORRUPT and its extended codes, as better-sqlite3 reports them. (A file that is no database at all fails to open.) */
export function isDamagedDatabase(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CORRUPT');
}

export function damagedDatabase(paths: readonly string[], error: Error): UserError {
  const file = paths.length === 1 ? paths[0] : undefined;
  return new UserError(`${file ? `the capture database ${file}` : 'a database'} is damaged: ${error.message}`, {
    hint:
      `SQLite can often save what is left: sqlite3 ${file ? quoteArg(file) : '<file>'} .recover | sqlite3 recovered.db, then use --db recovered.db; ` +
      'or move the file aside, and `hooktunnel listen` starts a new one',
    code: 'database_damaged',
    cause: error,
  });
}

/**
 * A write a command could not make because the store is full or locked (SQLITE_FULL, SQLITE_BUSY ...; see
 * isTransientStoreError). listen waits these out in memory; a command that writes directly (prune) cannot.
 */
export function unavailableDatabase(paths: readonly string[], error: Error): UserError {
  const file = paths.length === 1 ? paths[0] : undefined;
  return new UserError(`${file ? `the capture database ${file}` : 'a database'} could not take the change: ${error.message}`, {
    hint: 'another process holds it locked (a long sqlite3 session?), or its disk is full: try again once it is free',
    code: 'database_unavailable',
    cause: error,
  });
}
