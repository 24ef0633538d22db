// Where hooktunnel keeps things, following the XDG base directory spec.

import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** $XDG_DATA_HOME/hooktunnel, by default ~/.local/share/hooktunnel. */
export function dataDir(env: Env = process.env): string {
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'hooktunnel');
}

/** $XDG_CONFIG_HOME/hooktunnel, by default ~/.config/hooktunnel. */
export function configDir(env: Env = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hooktunnel');
}

/** The capture database: --db, then HOOKTUNNEL_DB (commander fills both), else the data directory. */
export function defaultDbPath(env: Env = process.env): string {
  return join(dataDir(env), 'hooktunnel.db');
}

export function configPath(env: Env = process.env): string {
  return join(configDir(env), 'config.json');
}
