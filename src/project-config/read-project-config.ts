// Reads and checks hooktunnel.yml (found by find-project-config.ts). Its own module so that the YAML parser is loaded
// only by runs that have a config file.

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { UserError } from '../errors.js';
import { parseProjectConfig, type ProjectConfig } from './project-config.js';

/** Reads and checks a config file; messages name it as the user would (relative to the working directory). */
export function loadProjectConfig(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ProjectConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`could not read ${path}: ${(error as Error).message}`);
  }
  const shown = relative(cwd, path) || path;
  const config = parseProjectConfig(shown.startsWith('..') ? path : shown, text, env);
  return { ...config, file: path };
}
