// Secrets for the commands other than listen (replay, retry, verify, trigger, import, web, inspect): the same sources as
// listen's, hooktunnel.yml's `secrets` included when the project file is here (or named by HOOKTUNNEL_CONFIG), so a
// replay re-signs with the secret the listen in the same folder checked with.

import type { ProjectParts } from '../project-config/project-config.js';
import type { Secrets } from '../webhooks/secrets.js';
import { readProjectHere } from './project-here.js';
import { loadSecrets, type SecretFlags } from './secret-options.js';

/** `project`: the project file a command already read (null: none here); left out, it is looked for here. */
export async function loadSecretsHere(flags: SecretFlags, env: NodeJS.ProcessEnv = process.env, project?: ProjectParts | null): Promise<Secrets> {
  const file = project === undefined ? await readProjectHere(env) : project;
  if (!file) return loadSecrets(flags, env);
  // Only `secrets` is read: the routes and flags are listen's, and a mistake there (or a token variable unset in this
  // shell) must not stop a replay. A secret whose variable is unset in this shell is left out, with a note: a replay
  // of another provider's webhook does not need it (listen, which checks every delivery, still refuses to start
  // without it).
  const onUnset = (error: Error) => process.stderr.write(`note: ${error.message}; that secret is left out\n`);
  return loadSecrets(flags, env, file.secrets(onUnset));
}
