// How the CLI reaches the TUI: `inspect` is registered, refuses a pipe, and neither --help nor a pipe loads Ink.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
let register: string;

/** Runs the built CLI with a module hook that reports every Ink or React module that gets imported. */
function run(args: string[]) {
  return spawnSync(process.execPath, ['--import', pathToFileURL(register).href, 'bin/hooktunnel.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hooktunnel-wiring-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/node_modules\\/(ink|react)\\//.test(result.url)) process.stderr.write('LOADED ' + result.url + '\\n');
  return result;
}\n`,
  );
  register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI wiring for the TUI', () => {
  it('lists inspect in --help without importing Ink or React', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/inspect \[options\]\s+Browse recorded exchanges/);
    expect(result.stderr).not.toContain('LOADED');
    expect(run(['listen', '--help']).stderr).not.toContain('LOADED');
  });

  it('inspect refuses to run without a terminal, with a hint, before loading Ink', () => {
    const result = run(['inspect', '--db', join(dir, 'none.db')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: inspect needs an interactive terminal');
    expect(result.stderr).toContain('hint: in scripts and pipes use `hooktunnel ls` and `hooktunnel show <id>`');
    expect(result.stderr).not.toContain('LOADED');
  });

  it('inspect checks --to before anything else', () => {
    const result = run(['inspect', '--to', 'ftp://x']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--to "ftp://x" must be an http:// or https:// URL');
  });

  it('inspect takes --secret for signing edited replays, and checks it before needing a terminal', () => {
    expect(run(['inspect', '--help']).stdout).toMatch(/--secret <provider=secret>/);
    const result = run(['inspect', '--secret', 'nope']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--secret "nope" is not PROVIDER=SECRET or PROVIDER:/path=SECRET');
    expect(result.stderr).not.toContain('LOADED');
  });
});
