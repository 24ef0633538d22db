// The signature-secret flags shared by listen, replay, verify and trigger, and where secrets come from.

import { Option, type Command } from 'commander';
import { loadConfig } from '../config.js';
import { UserError } from '../errors.js';
import { configPath } from '../paths.js';
import { buildSecrets, secretsFromConfig, type Secrets } from '../webhooks/secrets.js';
import { repeatable } from './repeatable.js';

export interface SecretFlags {
  secret?: string[];
  verify?: string[];
}


/** Adds --secret and --verify (both repeatable). */
export function withSecretOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--secret <provider=secret>', 'signing secret, e.g. stripe=whsec_… or github:/hooks/*=… (repeatable; also HOOKTUNNEL_SECRET_<PROVIDER>)')
        .argParser(repeatable),
    )
    .addOption(new Option('--verify <spec>', 'generic HMAC check: hmac-sha256:HEADER:SECRET[:hex|base64] (repeatable)').argParser(repeatable));
}

/** Flags first, then HOOKTUNNEL_SECRET_* variables, then hooktunnel.yml's `secrets`, then config.json's. */
export function loadSecrets(flags: SecretFlags, env: NodeJS.ProcessEnv = process.env, projectSecrets?: unknown): Secrets {
  const saved = loadConfig().secrets;
  // Checked alone first, so a mistake in config.json names that file (hooktunnel.yml's name their line already).
  try {
    secretsFromConfig(saved);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(`${configPath()}: ${error.message.replace(/^config /, '')}`, {
      hint: error.hint ?? 'fix or remove that entry; secrets are written {"secrets": {"stripe": "whsec_…", "github": {"/gh": "…"}}}',
      exitCode: error.exitCode,
      code: error.code,
    });
  }
  const config = projectSecrets && typeof saved === 'object' && saved !== null ? { ...saved, ...(projectSecrets as object) } : (projectSecrets ?? saved);
  return buildSecrets({ flags: flags.secret, verify: flags.verify, env, config });
}
