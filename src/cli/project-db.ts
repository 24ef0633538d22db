// The capture database of the commands other than listen: --db / HOOKTUNNEL_DB, else the `db` of the hooktunnel.yml
// here (the one HOOKTUNNEL_CONFIG names, or ./hooktunnel.yml), so `ls`, `show`, `replay`, `wait`… in a project's folder
// read what that project's `listen` records, else the default under $XDG_DATA_HOME.

import { defaultDbPath } from '../paths.js';
import type { ProjectParts } from '../project-config/project-config.js';
import { readProjectHere } from './project-here.js';

export interface DbChoice {
  path: string;
  /** flag: --db or HOOKTUNNEL_DB (commander fills both); project: the `db` of `file`; default: $XDG_DATA_HOME. */
  source: 'flag' | 'project' | 'default';
  /** The hooktunnel.yml that named it (source project). */
  file?: string;
}

/** `project`: the project file a command already read (null: none here); left out, it is looked for here. */
export async function chooseDb(db: string | undefined, env: NodeJS.ProcessEnv = process.env, project?: ProjectParts | null): Promise<DbChoice> {
  if (db !== undefined) return { path: db, source: 'flag' };
  const file = project === undefined ? await readProjectHere(env) : project;
  // Only `db` is read (as for secrets, a mistake elsewhere in the file, or a token variable unset in this shell, must
  // not stop an `ls`).
  const path = file?.db();
  if (file && path !== undefined) return { path, source: 'project', file: file.path };
  return { path: defaultDbPath(env), source: 'default' };
}
