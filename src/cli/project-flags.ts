// Flags over the file: what hooktunnel.yml sets applies only where the command line and the environment are silent.

import type { FileFlags } from '../project-config/project-config.js';

/** Where the user set a flag: on the command line, or through its environment variable. */
export type UserSet = ReadonlyMap<string, 'cli' | 'env'>;

/** The keys the user set on the command line or through an environment variable (commander's option value source). */
export function userSetKeys(command: { getOptionValueSource(key: string): string | undefined }, flags: object): UserSet {
  const set = new Map<string, 'cli' | 'env'>();
  for (const key of Object.keys(flags)) {
    const source = command.getOptionValueSource(key);
    if (source === 'cli' || source === 'env') set.set(key, source);
  }
  return set;
}

/** A copy of `flags` with the file's values where the user set none. */
export function withFileFlags<F extends object>(flags: F, file: FileFlags, userSet: UserSet): F {
  const merged: Record<string, unknown> = { ...(flags as Record<string, unknown>) };
  for (const [key, value] of Object.entries(file)) if (value !== undefined && !userSet.has(key)) merged[key] = value;
  return merged as F;
}
