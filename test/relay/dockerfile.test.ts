// The shipped relay-server/deploy/Dockerfile, without Docker: its build stage's COPY lines are replayed into an empty
// directory, `npm run build` must pass there (with the repository's node_modules standing in for `npm ci`), and what the
// final stage copies out of the build must exist and start the relay.

import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from './proxy-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCKERFILE = readFileSync(join(ROOT, 'relay-server/deploy/Dockerfile'), 'utf8');
const run = promisify(execFile);

/** The COPY instructions of a stage, as [sources, destination]; `--from=` ones only when `from` names their stage. */
function copies(stage: string, from?: string): [string[], string][] {
  return stage
    .split('\n')
    .filter((line) => line.startsWith('COPY '))
    .map((line) => line.slice('COPY '.length).trim().split(/\s+/))
    .filter((words) => (from ? words[0] === `--from=${from}` : !words[0].startsWith('--')))
    .map((words) => {
      const paths = from ? words.slice(1) : words;
      return [paths.slice(0, -1), paths.at(-1)!];
    });
}

describe('the relay Dockerfile', () => {
  const [, buildStage, finalStage] = DOCKERFILE.split(/^FROM .*$/m);

  it('copies everything `npm run build` needs into its build stage, and the final stage gets a relay that starts', { timeout: 120_000 }, async () => {
    const dir = tempDir('hooktunnel-docker-build-');
    for (const [sources, destination] of copies(buildStage)) {
      for (const source of sources) {
        const target = destination.endsWith('/') ? join(dir, destination, source) : join(dir, destination);
        cpSync(join(ROOT, source), target, { recursive: true });
      }
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');

    await expect(run('npm', ['run', 'build', '--silent'], { cwd: dir }).then(() => 'built')).resolves.toBe('built');

    for (const [sources] of copies(finalStage, 'build')) {
      for (const source of sources) expect(existsSync(join(dir, source.replace(/^\/app\//, ''))), source).toBe(true);
    }
    const entry = /^ENTRYPOINT \[(.*)\]$/m.exec(finalStage)![1].split(',').map((word) => JSON.parse(word.trim()) as string);
    expect(entry.slice(0, 3)).toEqual(['node', 'bin/hooktunnel.js', 'relay']);
    const help = await run(process.execPath, [...entry.slice(1), '--help'], { cwd: dir });
    expect(help.stdout).toContain('--public-url');
  });
});
