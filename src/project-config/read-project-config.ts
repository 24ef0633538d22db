// Reads and checks hooktunnel.yml (found by find-project-config.ts). Its own module so that the YAML parser is loaded
// only by runs that have a config file.

import { relative } from 'node:path';
import { readUserFile } from '../read-user-file.js';
import type { UnsetVariableError } from './yaml-reader.js';
import { parseProjectConfig, parseProjectDb, parseProjectRoutes, parseProjectSecrets, type ProjectConfig, type RouteSpec } from './project-config.js';

/** Reads and checks a config file; messages name it as the user would (relative to the working directory). */
export function loadProjectConfig(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ProjectConfig {
  return { ...parseProjectConfig(shownName(path, cwd), readText(path), env), file: path };
}

/** Only the file's `secrets` (see parseProjectSecrets). */
export function loadProjectSecrets(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), onUnset?: (error: UnsetVariableError) => void): unknown {
  return parseProjectSecrets(shownName(path, cwd), readText(path), env, onUnset);
}

/** Only the file's `db`, as an absolute path (see parseProjectDb). */
export function loadProjectDb(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  return parseProjectDb(shownName(path, cwd), readText(path), env);
}

/** Only the file's `routes` (see parseProjectRoutes). */
export function loadProjectRoutes(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): RouteSpec[] {
  return parseProjectRoutes(shownName(path, cwd), readText(path), env);
}

function readText(path: string): string {
  return readUserFile(path, '').toString('utf8');
}

function shownName(path: string, cwd: string): string {
  const shown = relative(cwd, path) || path;
  return shown.startsWith('..') ? path : shown;
}
