// Finds hooktunnel.yml (--config, HOOKTUNNEL_CONFIG, or the working directory) and turns its route specs into routes
// with every default filled in. Reading it is read-project-config.ts: only a run that has a file loads the YAML parser.

import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError, usageError } from '../errors.js';
import { sanitize } from '../sanitize.js';
import type { HostHeaderMode } from '../forward/forwarder.js';
import type { Route } from '../routes/route-table.js';
import { projectFolder } from './config-place.js';
import type { RouteSpec } from './project-config.js';

export const CONFIG_FILE_NAMES = ['hooktunnel.yml', 'hooktunnel.yaml'];

/** What named the project file: listen's and `config check`'s flag, or the variable every command reads. */
export type ConfigNamedBy = '--config' | 'HOOKTUNNEL_CONFIG';

/** Which named --config, from commander's source of the option's value ('env' when HOOKTUNNEL_CONFIG gave it). */
export function configNamedBy(source: string | undefined): ConfigNamedBy {
  return source === 'env' ? 'HOOKTUNNEL_CONFIG' : '--config';
}

/**
 * A project file named that does not exist. Every command refuses it (exit 2), listen as much as an `ls` or a `wait`:
 * going on without it would read another database and other secrets than the named file's, and a CI `wait` would
 * time out watching the wrong file.
 */
export function namedConfigMissing(path: string, namedBy: ConfigNamedBy): UserError {
  const hint =
    namedBy === '--config'
      ? 'check the path, or leave --config out to use ./hooktunnel.yml of the working directory'
      : 'check the path in HOOKTUNNEL_CONFIG, or unset it to use ./hooktunnel.yml of the working directory';
  return usageError(`${namedBy} names ${path}, which does not exist`, hint);
}

/** The file to use: the one named (which must exist), else one in `cwd`, else none. */
export function findProjectConfig(named: string | undefined, namedBy: ConfigNamedBy = '--config', cwd = process.cwd()): string | undefined {
  if (named) {
    if (!existsSync(named)) throw namedConfigMissing(named, namedBy);
    return named;
  }
  return CONFIG_FILE_NAMES.map((name) => join(cwd, name)).find((path) => existsSync(path));
}

/** The project file the commands other than listen take `secrets`, `db` and routes from: as listen finds it. */
export function projectConfigHere(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findProjectConfig(env.HOOKTUNNEL_CONFIG || undefined, 'HOOKTUNNEL_CONFIG');
}

/**
 * `ack-path` from the file without acknowledge mode: listen refuses it (as it refuses --ack-path without --ack), and
 * says so naming the file, since the user typed no --ack-path; `config check` refuses the file as listen would.
 */
export function ackPathWithoutAck(file: string, flags: { ack?: boolean; ackPath?: string[] }): UserError | undefined {
  if (!flags.ackPath?.length || flags.ack) return undefined;
  return usageError(`${file}: ack-path needs ack: true (acknowledge mode)`, 'add ack: true (or pass --ack), or make those paths ack routes: `/stripe: { ack: 3000 }`');
}

/** Routes with the top-level timeout and Host mode where a route sets none. */
export function resolveRoutes(specs: RouteSpec[], defaults: { timeoutMs: number; hostHeader: HostHeaderMode }): Route[] {
  return specs.map((spec): Route => {
    if (spec.mode === 'mock') return { prefix: spec.prefix, where: spec.where, mode: 'mock', mock: spec.mock! };
    return {
      prefix: spec.prefix,
      where: spec.where,
      mode: spec.mode,
      target: spec.target!,
      timeoutMs: spec.timeoutMs ?? defaults.timeoutMs,
      hostHeader: spec.hostHeader ?? defaults.hostHeader,
    };
  });
}

/** The local-app timeout the relay is told: the longest route's (0, waiting forever, beats any). */
export function longestTimeout(routes: Route[], fallback: number): number {
  const timeouts = routes.flatMap((r) => (r.mode === 'mock' ? [] : [r.timeoutMs]));
  if (timeouts.length === 0) return fallback;
  return timeouts.includes(0) ? 0 : Math.max(...timeouts);
}

/**
 * The embedded relay's default name for a routes config: its project folder's name, so the URL repeats from run to
 * run; a piped config's is the working directory, as without a config.
 */
export function projectName(configFile: string, cwd = process.cwd()): string {
  const dir = basename(projectFolder(configFile, cwd));
  // Cut before trimming: a name ending in "-" is one the relay refuses.
  const name = dir.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 63).replace(/^-+|-+$/g, '');
  return name || 'routes';
}
