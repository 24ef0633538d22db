// The hooktunnel.yml of this run for the commands other than listen (the one HOOKTUNNEL_CONFIG names, or
// ./hooktunnel.yml), read and parsed once. A command that takes several of its parts (trigger: db, secrets and routes)
// reads it here and passes it along, rather than each part reading the file again.

import { projectConfigHere } from '../project-config/find-project-config.js';
import type { ProjectParts } from '../project-config/project-config.js';

/** The project file read once; null when there is none. */
export async function readProjectHere(env: NodeJS.ProcessEnv = process.env): Promise<ProjectParts | null> {
  const file = projectConfigHere(env);
  if (!file) return null;
  // Loaded only with a project file: the YAML parser is not every run's cost.
  const { readProjectParts } = await import('../project-config/read-project-config.js');
  return readProjectParts(file, env);
}
