// Secrets for the commands other than listen (replay, retry, verify, trigger, import, web, inspect): the same sources as
// listen's, hooktunnel.yml's `secrets` included when the project file is here (or named by HOOKTUNNEL_CONFIG), so a
// replay re-signs with the secret the listen in the same folder checked with.

import { findProjectConfig } from '../project-config/find-project-config.js';
import type { Secrets } from '../webhooks/secrets.js';
import { loadSecrets, type SecretFlags } from './secret-options.js';

export async function loadSecretsHere(flags: SecretFlags, env: NodeJS.ProcessEnv = process.env): Promise<Secrets> {
  const file = findProjectConfig(env.HOOKTUNNEL_CONFIG || undefined);
  if (!file) return loadSecrets(flags, env);
  // Loaded only with a project file: the YAML parser is not every run's cost.
  const { loadProjectConfig } = await import('../project-config/read-project-config.js');
  return loadSecrets(flags, env, loadProjectConfig(file, env).secrets);
}
