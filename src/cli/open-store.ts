// Opens the capture database for commands that read history: a missing file is an error (or, for the default path of
// a listing command, simply nothing recorded yet), never a new empty file or folder.

import { existsSync } from 'node:fs';
import { UserError, usageError } from '../errors.js';
import { defaultDbPath } from '../paths.js';
import { Store } from '../store/store.js';

/**
 * Opens an existing database. `db` is --db / HOOKTUNNEL_DB as commander filled it (undefined: the default path).
 * A path the user gave that does not exist is a usage error (exit 2); a default database that was never created is
 * "nothing recorded yet" (exit 1).
 */
export function openExistingStore(db: string | undefined): Store {
  const store = openStoreIfRecorded(db);
  if (!store) {
    throw new UserError(`nothing recorded yet: there is no capture database at ${defaultDbPath()}`, {
      hint: `run \`hooktunnel listen <port>\` first (it creates the database), or point --db / HOOKTUNNEL_DB at one`,
    });
  }
  return store;
}

/**
 * For listing commands (ls, export): null when the default database was never created, which reads as an empty
 * history rather than an error. A --db / HOOKTUNNEL_DB path that does not exist is still a usage error.
 */
export function openStoreIfRecorded(db: string | undefined): Store | null {
  if (db === undefined) {
    const path = defaultDbPath();
    return existsSync(path) ? Store.open(path) : null;
  }
  if (!existsSync(db)) {
    throw usageError(
      `no capture database at ${db} (given by --db or HOOKTUNNEL_DB)`,
      `check the path; without --db recordings go to ${defaultDbPath()}, and \`hooktunnel listen\` creates the database it records to`,
    );
  }
  return Store.open(db);
}

/** What a listing command says when there is no history at all (no database yet, or an empty one). */
export const NOTHING_RECORDED = 'nothing recorded yet: run `hooktunnel listen <port>` to record webhooks';

/** Parses an exchange id as printed by `ls`. */
export function parseId(value: string): number {
  // Digits only: Number() alone would take "0x10", "1e2" or " 12 " as ids the user never wrote.
  const id = /^#?[0-9]+$/.test(value) ? Number(value.replace(/^#/, '')) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new UserError(`"${value}" is not an exchange id`, { hint: 'ids are the numbers `hooktunnel ls` prints', exitCode: 2 });
  return id;
}

export function unknownId(id: number, path: string): UserError {
  return new UserError(`no exchange #${id} in ${path}`, { hint: 'run `hooktunnel ls` to see the recorded ids' });
}
