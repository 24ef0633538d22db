// Secrets for the commands other than listen (replay, retry, verify, trigger, import, web, inspect): the same sources as
// listen's, hooktunnel.yml's `secrets` included when the project file is here (or named by HOOKTUNNEL_CONFIG), so a
// replay re-signs with the secret the listen in the same folder checked with.

import { projectConfigHere } from '../project-config/find-project-config.js';
import type { Secrets } from '../webhooks/secrets.js';
import { loadSecrets, type SecretFlags } from './secret-options.js';

export async function loadSecretsHere(flags: SecretFlags, env: NodeJS.ProcessEnv = process.env): Promise<Secrets> {
  const file = projectConfigHere(env);
  if (!file) return loadSecrets(flags, env);
  // Loaded only with a project file: the YAML parser is not every run's cost. Only `secrets` is read: the routes and
  // flags are listen's, and a mistake there (or a token variable unset in this shell) must not stop a replay.
  const { loadProjectSecrets } = await import('../project-config/read-project-config.js');
  // A secret whose variable is unset in this shell is left out, with a note: a replay of another provider's webhook
  // does not need it (listen, which checks every delivery, still refuses to start without it).
  const onUnset = (error: Error) => process.stderr.write(`note: ${error.message}; that secret is left out\n`);
  return loadSecrets(flags, env, loadProjectSecrets(file, env, process.cwd(), onUnset));
}
