// A project file named by HOOKTUNNEL_CONFIG (or --config) that does not exist is refused by every command that reads
// it, as listen refuses it: a mistyped path in CI once had `ls`, `wait` and `trigger` print a note and go on with the
// default database, so the `wait` timed out watching a file the listen never wrote to.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startListen, tempHome, wordsOfJsonError } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';

function home() {
  const h = tempHome();
  onCleanup(h.cleanup);
  const missing = join(h.dir, 'ci', 'hooktunel.yml');
  return { ...h, missing, env: { ...h.env, HOOKTUNNEL_CONFIG: missing } };
}

const refusal = (missing: string, by = 'HOOKTUNNEL_CONFIG') =>
  by === 'HOOKTUNNEL_CONFIG'
    ? `error: HOOKTUNNEL_CONFIG names ${missing}, which does not exist\nhint: check the path in HOOKTUNNEL_CONFIG, or unset it to use ./hooktunnel.yml of the working directory\n`
    : `error: --config names ${missing}, which does not exist\nhint: check the path, or leave --config out to use ./hooktunnel.yml of the working directory\n`;

/** The database commands use without a project file: none of them may have created (or read) it. */
const defaultDb = (h: { dir: string }) => join(h.dir, 'data', 'hooktunnel', 'hooktunnel.db');

describe('a HOOKTUNNEL_CONFIG that names no file', () => {
  it('is refused by the readers, with and without --json', async () => {
    const h = home();
    for (const argv of [['ls'], ['show', '1'], ['diff', '1', '2']]) {
      const result = await runCli(argv, { env: h.env, cwd: h.dir });
      expect([argv, result.code, result.stdout, result.stderr]).toEqual([argv, 2, '', refusal(h.missing)]);
    }
    const json = await runCli(['ls', '--json'], { env: h.env, cwd: h.dir });
    expect([json.code, json.stdout]).toEqual([2, '']);
    expect(wordsOfJsonError(json.stderr, 'usage')).toBe(refusal(h.missing));
    expect(existsSync(defaultDb(h))).toBe(false);
  });

  it('is refused by wait at once, rather than waiting on the default database', async () => {
    const h = home();
    const waited = await runCli(['wait', '--match', 'provider=stripe', '--timeout', '30s', '--json'], { env: h.env, cwd: h.dir });
    expect([waited.code, waited.stdout]).toEqual([2, '']);
    expect(wordsOfJsonError(waited.stderr, 'usage')).toBe(refusal(h.missing));
  });

  it('is refused by trigger and replay before anything is sent or recorded', async () => {
    const h = home();
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const triggered = await runCli(['trigger', 'stripe', 'invoice.paid', '--to', String(app.port), '--json'], { env: h.env, cwd: h.dir });
    expect([triggered.code, triggered.stdout]).toEqual([2, '']);
    expect(wordsOfJsonError(triggered.stderr, 'usage')).toBe(refusal(h.missing));
    // With --db the database is not the file's to choose, but the secrets a replay signs with still are.
    const replayed = await runCli(['replay', '1', '--to', String(app.port), '--db', h.db], { env: h.env, cwd: h.dir });
    expect([replayed.code, replayed.stderr]).toEqual([2, refusal(h.missing)]);
    expect(app.received).toEqual([]);
    expect(existsSync(defaultDb(h))).toBe(false);
  });

  it('is refused by listen and config check, naming the variable or the flag that gave the path', async () => {
    const h = home();
    await expect(startListen(['3000', '--relay', 'http://127.0.0.1:9'], h.env, { cwd: h.dir })).rejects.toThrow(
      `listen exited with 2 before it was ready: ${JSON.stringify({ error: { code: 'usage', message: `HOOKTUNNEL_CONFIG names ${h.missing}, which does not exist`, hint: 'check the path in HOOKTUNNEL_CONFIG, or unset it to use ./hooktunnel.yml of the working directory' } })}`,
    );
    const checked = await runCli(['config', 'check'], { env: h.env, cwd: h.dir });
    expect([checked.code, checked.stderr]).toEqual([2, refusal(h.missing)]);
    const { HOOKTUNNEL_CONFIG: _, ...unset } = h.env;
    const flagged = await runCli(['config', 'check', '--config', h.missing], { env: unset, cwd: h.dir });
    expect([flagged.code, flagged.stderr]).toEqual([2, refusal(h.missing, '--config')]);
  });
});
