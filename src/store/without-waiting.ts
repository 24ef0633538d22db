// Statements run on listen's event loop that must not wait for another process's write lock: SQLite's busy handler
// sleeps on the calling thread for up to busy_timeout, and while it sleeps no webhook is forwarded.

import type Database from 'better-sqlite3';

/** How long a command's statements wait for another process's write lock (busy_timeout). */
export const BUSY_TIMEOUT_MS = 5_000;
/**
 * How long listen's do: its one thread forwards webhooks, and at BUSY_TIMEOUT_MS a `prune --vacuum` of an 800 MB
 * store (4.3 s holding the lock) stalled forwarding for 5.4 s. Long enough for another command's ordinary write; a
 * recording that cannot wait longer is held in memory and written later (write-behind.ts).
 */
export const LISTEN_LOCK_WAIT_MS = 100;

/**
 * Runs `fn` on this connection with busy_timeout 0, then puts `usualMs` (the connection's own) back. Nothing else can
 * run on the connection in between (better-sqlite3 is synchronous), so only `fn`'s statements give up at once.
 */
export function withoutWaiting<T>(db: Database.Database, usualMs: number, fn: () => T): T {
  db.pragma('busy_timeout = 0');
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${usualMs}`);
  }
}

/** Another connection holds the lock this statement needed (SQLITE_BUSY and its extended codes). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
