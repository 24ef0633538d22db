// Read-side commands never create a database or a folder: a --db that does not exist is a usage error, and before
// anything was recorded on this machine `ls` / `export` show an empty history while the others say so and exit 1.
// (`wait` waits for the database to appear instead: test/wait/wait-cli.test.ts.)

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli, tempHome, wordsOfJsonError } from '../helpers/cli.js';

const homes: ReturnType<typeof tempHome>[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) home.cleanup();
});
function home() {
  const h = tempHome();
  homes.push(h);
  return h;
}

const READERS = [
  ['ls'],
  ['ls', '--json'],
  ['show', '1'],
  ['diff', '1', '2'],
  ['export', '--json', '-'],
  ['verify', '1'],
  ['replay', '1'],
  ['retry', '1'],
  ['web', '--no-open'],
];

describe('a --db that does not exist', () => {
  it.each(READERS)('%s: exit 2 naming the path, nothing created', async (...argv) => {
    const h = home();
    const db = join(h.dir, 'typo', 'capture.db');
    const result = await runCli([...argv, '--db', db], { env: h.env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    // With --json the same words are one JSON error (README, "Errors with --json").
    const words = argv.includes('--json') ? wordsOfJsonError(result.stderr, 'no_database') : result.stderr;
    expect(words).toContain(`error: no capture database at ${db}`);
    expect(words).toContain(`recordings go to ${join(h.env.XDG_DATA_HOME, 'hooktunnel', 'hooktunnel.db')}`);
    expect(result.stderr).not.toContain('    at ');
    expect(existsSync(join(h.dir, 'typo'))).toBe(false);
  });

  it('HOOKTUNNEL_DB pointing nowhere is the same mistake', async () => {
    const h = home();
    const db = join(h.dir, 'nope.db');
    const result = await runCli(['show', '1'], { env: { ...h.env, HOOKTUNNEL_DB: db } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no capture database at ${db}`);
    expect(existsSync(db)).toBe(false);
  });
});

describe('nothing recorded yet (no database at the default path)', () => {
  it('ls says so and exits 0; --json prints []; export writes an empty archive', async () => {
    const h = home();
    const text = await runCli(['ls'], { env: h.env });
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toBe('nothing recorded yet: run `hooktunnel listen <port>` to record webhooks\n');
    const json = await runCli(['ls', '--json'], { env: h.env });
    expect(json).toMatchObject({ code: 0, stdout: '[]\n', stderr: '' });
    const exported = await runCli(['export', '--json', '-'], { env: h.env });
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual([]);
    expect(existsSync(h.env.XDG_DATA_HOME)).toBe(false);
  });

  it('prune has nothing to delete: exit 0, and nothing created', async () => {
    const h = home();
    const text = await runCli(['prune', '--older-than', '7d'], { env: h.env });
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain('nothing to prune');
    const json = await runCli(['prune', '--keep', '0', '--json'], { env: h.env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ deleted: 0, remaining: 0, vacuumed: false });
    expect(existsSync(h.env.XDG_DATA_HOME)).toBe(false);
    expect((await runCli(['prune', '--keep', '1', '--db', join(h.dir, 'typo.db')], { env: h.env })).code).toBe(2);
  });

  it.each(READERS.filter(([command]) => command !== 'ls' && command !== 'export'))('%s: exit 1 (diff: 2), says where and what to run', async (...argv) => {
    const h = home();
    const result = await runCli(argv, { env: h.env });
    // diff keeps 1 for "they differ" (--exit-code): its errors exit 2.
    expect(result.code).toBe(argv[0] === 'diff' ? 2 : 1);
    expect(result.stderr).toContain(`error: nothing recorded yet: there is no capture database at ${join(h.env.XDG_DATA_HOME, 'hooktunnel', 'hooktunnel.db')}`);
    expect(result.stderr).toContain('hint: run `hooktunnel listen <port>` first');
    expect(existsSync(h.env.XDG_DATA_HOME)).toBe(false);
  });
});

describe('ls on an empty database', () => {
  it('says nothing is recorded yet without filters, and that nothing matches with them', async () => {
    const h = home();
    Store.open(h.db).close();
    const plain = await runCli(['ls', '--db', h.db], { env: h.env });
    expect(plain).toMatchObject({ code: 0, stderr: '', stdout: 'nothing recorded yet: run `hooktunnel listen <port>` to record webhooks\n' });
    const filtered = await runCli(['ls', '--failed', '--db', h.db], { env: h.env });
    expect(filtered).toMatchObject({ code: 0, stderr: '', stdout: 'no exchanges match\n' });
    const json = await runCli(['ls', '--json', '--db', h.db], { env: h.env });
    expect(json).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('checks --since before looking for a database', async () => {
    const result = await runCli(['ls', '--since', 'soon'], { env: home().env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since "soon"');
  });
});
