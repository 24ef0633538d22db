// Opens the capture database for commands that read history: a missing file is a user error, not a new empty file.

import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import { defaultDbPath } from '../paths.js';
import { Store } from '../store/store.js';

export function openExistingStore(db: string | undefined): Store {
  const path = db ?? defaultDbPath();
  if (!existsSync(path)) {
    throw new UserError(`no capture database at ${path}`, { hint: 'run `hooktunnel listen <port>` first, or point --db / HOOKTUNNEL_DB at a database' });
  }
  return Store.open(path);
}

/** Parses an exchange id as printed by `ls`. */
export function parseId(value: string): number {
  const id = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(id) || id < 1) throw new UserError(`"${value}" is not an exchange id`, { hint: 'ids are the numbers `hooktunnel ls` prints', exitCode: 2 });
  return id;
}

export function unknownId(id: number, path: string): UserError {
  return new UserError(`no exchange #${id} in ${path}`, { hint: 'run `hooktunnel ls` to see the recorded ids' });
}
