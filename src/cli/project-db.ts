// The capture database of the commands other than listen: --db / HOOKTUNNEL_DB, else the `db` of the hooktunnel.yml
// here (the one HOOKTUNNEL_CONFIG names, or ./hooktunnel.yml), so `ls`, `show`, `replay`, `wait`… in a project's folder
// read what that project's `listen` records, else the default under $XDG_DATA_HOME.

import { defaultDbPath } from '../paths.js';
import { projectConfigHere } from '../project-config/find-project-config.js';

export interface DbChoice {
  path: string;
  /** flag: --db or HOOKTUNNEL_DB (commander fills both); project: the `db` of `file`; default: $XDG_DATA_HOME. */
  source: 'flag' | 'project' | 'default';
  /** The hooktunnel.yml that named it (source project). */
  file?: string;
}

export async function chooseDb(db: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<DbChoice> {
  if (db !== undefined) return { path: db, source: 'flag' };
  const file = projectConfigHere(env);
  if (file) {
    // Loaded only with a project file: the YAML parser is not every run's cost. Only `db` is read (as for secrets, a
    // mistake elsewhere in the file, or a token variable unset in this shell, must not stop an `ls`).
    const { loadProjectDb } = await import('../project-config/read-project-config.js');
    const path = loadProjectDb(file, env);
    if (path !== undefined) return { path, source: 'project', file };
  }
  return { path: defaultDbPath(env), source: 'default' };
}
