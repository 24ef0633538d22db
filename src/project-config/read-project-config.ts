// Reads and checks hooktunnel.yml (found by find-project-config.ts). Its own module so that the YAML parser is loaded
// only by runs that have a config file.

import { relative } from 'node:path';
import { readUserFile } from '../read-user-file.js';
import { parseProjectConfig, ProjectParts, type ProjectConfig } from './project-config.js';

/** Reads and checks a config file; messages name it as the user would (relative to the working directory). */
export function loadProjectConfig(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ProjectConfig {
  return { ...parseProjectConfig(shownName(path, cwd), readText(path), env), file: path };
}

/** Reads the file once for the parts the commands other than listen take (see ProjectParts). */
export function readProjectParts(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ProjectParts {
  return new ProjectParts(shownName(path, cwd), path, readText(path), env);
}

function readText(path: string): string {
  return readUserFile(path, '').toString('utf8');
}

function shownName(path: string, cwd: string): string {
  const shown = relative(cwd, path) || path;
  return shown.startsWith('..') ? path : shown;
}
