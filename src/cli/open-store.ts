// Opens the capture database for commands: those that read history find a missing file an error (or, for the default
// path of a listing command, simply nothing recorded yet), never a new empty file or folder. Every command opens it
// through openStore, which says on stderr when the file needs a slow update first.

import { existsSync } from 'node:fs';
import { UserError, usageError } from '../errors.js';
import { Store, type OpenOptions } from '../store/store.js';
import { listenHint } from './listen-hint.js';
import type { ProjectParts } from '../project-config/project-config.js';
import { chooseDb, type DbChoice } from './project-db.js';
import { upgradeNotice } from './upgrade-notice.js';

/** Store.open for a command: an update of the file that reads every recorded exchange is said before it starts. */
export function openStore(path: string, options: OpenOptions = {}): Store {
  return Store.open(path, { ...options, onUpgrade: upgradeNotice(path) });
}

/**
 * Opens an existing database. `db` is --db / HOOKTUNNEL_DB as commander filled it (undefined: the `db` of the
 * hooktunnel.yml here, else the default path). A path the user gave that does not exist is a usage error (exit 2); a
 * project's or the default database that was never created is "nothing recorded yet" (exit 1). `project`: the
 * hooktunnel.yml the command already read (null: none here), so it is not read again; left out, it is looked for.
 */
export async function openExistingStore(db: string | undefined, project?: ProjectParts | null): Promise<Store> {
  const choice = await chooseDb(db, process.env, project);
  const store = await openChosen(choice, project);
  if (!store) {
    const named = choice.source === 'project' ? ` (the db of ${choice.file})` : '';
    throw new UserError(`nothing recorded yet: there is no capture database at ${choice.path}${named}`, {
      hint: `run \`${await listenHint(project)}\` first (it creates the database), or point --db / HOOKTUNNEL_DB at one`,
      code: 'no_database',
    });
  }
  return store;
}

/**
 * For listing commands (ls, export, prune): null when the project's or the default database was never created, which
 * reads as an empty history rather than an error. A --db / HOOKTUNNEL_DB path that does not exist is still a usage error.
 */
export async function openStoreIfRecorded(db: string | undefined, project?: ProjectParts | null): Promise<Store | null> {
  return await openChosen(await chooseDb(db, process.env, project), project);
}

async function openChosen(choice: DbChoice, project: ProjectParts | null | undefined): Promise<Store | null> {
  if (choice.source !== 'flag') return existsSync(choice.path) ? openStore(choice.path) : null;
  if (!existsSync(choice.path)) {
    // Where they would be read from without the flag: the project's db in a project's folder, else the default.
    const without = await chooseDb(undefined, process.env, project);
    const where = without.source === 'project' ? `${without.path} (the db of ${without.file})` : without.path;
    throw usageError(
      `no capture database at ${choice.path} (given by --db or HOOKTUNNEL_DB)`,
      `check the path; without --db recordings go to ${where}, and \`hooktunnel listen\` creates the database it records to`,
      'no_database',
    );
  }
  return openStore(choice.path);
}

/** What a listing command says when there is no history at all (no database yet, or an empty one). */
export async function nothingRecorded(): Promise<string> {
  return `nothing recorded yet: run \`${await listenHint()}\` to record webhooks`;
}
