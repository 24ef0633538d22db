// Statements run on listen's event loop that must not wait for another process's write lock: SQLite's busy handler
// sleeps on the calling thread for up to busy_timeout, and while it sleeps no webhook is forwarded.

import type Database from 'better-sqlite3';

/**
 * Runs `fn` on this connection with busy_timeout 0, then puts the timeout back. Nothing else can run on the connection
 * in between (better-sqlite3 is synchronous), so only `fn`'s statements give up at once on a lock.
 */
export function withoutWaiting<T>(db: Database.Database, fn: () => T): T {
  return waitingAtMost(db, 0, fn);
}

/** Runs `fn` with busy_timeout `ms`, then puts the timeout back (as withoutWaiting, for a short bounded wait). */
export function waitingAtMost<T>(db: Database.Database, ms: number, fn: () => T): T {
  const previous = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${ms}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${previous}`);
  }
}

/**
 * waitingAtMost for a call made on every commit, with the usual timeout known, so it is not read back first (5 µs a
 * call against 8). The PRAGMAs cannot be prepared once: SQLite applies busy_timeout when the statement is compiled.
 */
export function boundedWait(db: Database.Database, ms: number, usualMs: number): <T>(fn: () => T) => T {
  const bounded = `busy_timeout = ${ms}`;
  const usual = `busy_timeout = ${usualMs}`;
  return (fn) => {
    db.pragma(bounded);
    try {
      return fn();
    } finally {
      db.pragma(usual);
    }
  };
}

/** Another connection holds the lock this statement needed (SQLITE_BUSY and its extended codes). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
