// The user's config file ($XDG_CONFIG_HOME/hooktunnel/config.json, mode 0600). An open JSON object: keys this
// module does not know (others add their own) are kept as they are on every save.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from './errors.js';
import { configPath } from './paths.js';

export interface HooktunnelConfig {
  /** The relay `listen` uses when --relay / HOOKTUNNEL_RELAY are absent (set by `hooktunnel login`). */
  relay?: string;
  /** The token for that relay, and only for it. */
  token?: string;
  [key: string]: unknown;
}

/** The config, or {} when the file does not exist. */
export function loadConfig(path = configPath()): HooktunnelConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(`could not read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${path} is not a JSON object`, { hint: 'fix or delete it, then run `hooktunnel login <relay-url> --token <token>` again' });
  }
  return value as HooktunnelConfig;
}

/** Writes the whole config atomically (temp file, then rename), readable by its owner only: it holds tokens and secrets. */
export function saveConfig(config: HooktunnelConfig, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** Loads, applies `patch` (an undefined value deletes the key), saves; every other key stays. */
export function updateConfig(patch: Partial<HooktunnelConfig>, path = configPath()): HooktunnelConfig {
  const config = { ...loadConfig(path) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete config[key];
    else config[key] = value;
  }
  saveConfig(config, path);
  return config;
}

const sameRelay = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * The relay and token `listen` uses: flags and env first, then the config file. The saved token is sent only to
 * the relay it was saved for, never to another one given with --relay.
 */
export function relayFromConfig(flags: { relay?: string; token?: string }, config: HooktunnelConfig): { relay?: string; token?: string } {
  const saved = typeof config.relay === 'string' ? config.relay : undefined;
  const relay = flags.relay ?? saved;
  const savedToken = typeof config.token === 'string' && relay && saved && sameRelay(relay, saved) ? config.token : undefined;
  return { relay, token: flags.token ?? savedToken };
}
