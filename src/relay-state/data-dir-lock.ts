// One relay per --data-dir. Two relays on one relay.db (a second `hooktunnel relay` on another port, started by hand
// beside the service) each believe the other's clients are away: a request reaching the one a client is not connected
// to is answered 202 and queued, and waits there until that client happens to reconnect to it (or --queue-ttl drops
// it). So a relay holds a lock on its data directory for as long as it runs, and a second one refuses to start.
//
// The lock is an exclusive SQLite transaction on relay.lock, never committed: the operating system's file lock, which
// it rests on, goes with the process however it ends (kill -9 included), so no stale lock is ever left to clean up.
// relay.db itself stays open to `relay token ...` and `relay name ...` while the relay runs, and those commands read
// the lock (relayRunsOn) to know whether what relay.db says of connected clients is still true.

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors.js';
import { isBusy } from '../store/without-waiting.js';

export interface DataDirLock {
  release(): void;
}

/** Takes the data directory (which must exist) for this process, or refuses with what to do. */
export function lockDataDir(dir: string): DataDirLock {
  const lockPath = join(dir, 'relay.lock');
  // Who holds it, for the message only (the lock is what decides): written once the lock is ours.
  const pidPath = join(dir, 'relay.pid');
  const db = new Database(lockPath);
  try {
    chmodSync(lockPath, 0o600);
    // A `relay name give` reading the lock (relayRunsOn) holds it shared for a moment: waited out, not taken for a
    // relay. One that runs holds it for good, and is named a second later.
    db.pragma('busy_timeout = 1000');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (!isBusy(error)) throw error;
    throw new UserError(`another relay is already running on the data directory ${dir}${holder(pidPath)}`, {
      hint: 'one relay per --data-dir: stop the other one first (systemctl stop hooktunnel-relay), or give this one its own --data-dir (HOOKTUNNEL_RELAY_DATA_DIR)',
    });
  }
  writeFileSync(pidPath, `${process.pid}\n`, { mode: 0o600 });
  return {
    release() {
      if (db.open) db.close();
    },
  };
}

/**
 * Whether a relay runs on this data directory now, that is, holds its lock. What relay.db records of connected clients
 * is true only then: a relay killed (kill -9, a crash, the machine going down) leaves its last clients recorded as
 * connected until it starts again, though none can be. Read without taking the lock: a shared lock for a moment,
 * which a running relay's exclusive one refuses at once.
 */
export function relayRunsOn(dir: string): boolean {
  const lockPath = join(dir, 'relay.lock');
  // No relay ever locked this directory (a cluster node takes no lock, and keeps its clients in Redis).
  if (!existsSync(lockPath)) return false;
  let db: Database.Database;
  try {
    db = new Database(lockPath, { readonly: true, fileMustExist: true });
  } catch {
    // Not ours to read (or gone meanwhile): whether a relay runs cannot be told, so what relay.db says stands.
    return true;
  }
  try {
    db.pragma('busy_timeout = 0');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch {
    // Busy: a relay holds it. Anything else: not known, so what relay.db says stands, as above.
    return true;
  } finally {
    db.close();
  }
}

function holder(pidPath: string): string {
  try {
    const pid = Number.parseInt(readFileSync(pidPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? ` (pid ${pid})` : '';
  } catch {
    return '';
  }
}
