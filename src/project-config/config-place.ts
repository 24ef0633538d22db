// Where a hooktunnel.yml stands: the folder its relative paths and the tunnel's name come from, and how messages name
// it. Its own module because both the reader (project-config.ts, for `db:`) and the finder use it.

import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';

/**
 * A config read from a pipe (`--config <(…)`, /dev/fd/63) or a device rather than a file: it has no project folder,
 * and the folder its path names (/dev/fd) is nobody's project.
 */
export function isPipedConfig(configFile: string): boolean {
  try {
    return !statSync(configFile).isFile();
  } catch {
    return false;
  }
}

/** The folder a config's relative paths (`db:`) and the tunnel's name come from: its own, or for a piped one `cwd`. */
export function projectFolder(configFile: string, cwd = process.cwd()): string {
  return isPipedConfig(configFile) ? cwd : dirname(configFile);
}

/** Where listen's routes came from, as its first line says it: `hooktunnel.yml`, `ci/hooks.yml`, `piped config /dev/fd/63`. */
export function configSource(configFile: string, cwd = process.cwd()): string {
  if (isPipedConfig(configFile)) return `piped config ${configFile}`;
  const near = relative(cwd, configFile);
  return near && !near.startsWith('..') && !isAbsolute(near) ? near : configFile;
}
