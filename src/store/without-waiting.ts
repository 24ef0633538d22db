// Statements run on listen's event loop that must not wait for another process's write lock: SQLite's busy handler
// sleeps on the calling thread for up to busy_timeout, and while it sleeps no webhook is forwarded.

import type Database from 'better-sqlite3';

/** How long a store's statements wait for another process's write lock, unless run through waitingAtMost. */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Runs `fn` on this connection with busy_timeout `ms`, then puts BUSY_TIMEOUT_MS back. Nothing else can run on the
 * connection in between (better-sqlite3 is synchronous), so only `fn`'s statements give up sooner on a lock. The usual
 * timeout is known, not read back: listen's recorder runs this on every commit (two PRAGMAs, 5 µs; reading it back
 * made 8). The PRAGMAs cannot be prepared once either: SQLite applies busy_timeout when the statement is compiled.
 */
export function waitingAtMost<T>(db: Database.Database, ms: number, fn: () => T): T {
  db.pragma(`busy_timeout = ${ms}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** waitingAtMost 0: `fn`'s statements give up at once on another process's lock. */
export const withoutWaiting = <T>(db: Database.Database, fn: () => T): T => waitingAtMost(db, 0, fn);

/** Another connection holds the lock this statement needed (SQLITE_BUSY and its extended codes). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
