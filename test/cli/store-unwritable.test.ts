// A command that records and then exits, while the capture database cannot take writes (another process holds its
// write lock; a full disk behaves the same): what it could not write would be lost with it, so it says so and exits 1
// instead of printing the exchange as recorded under an id that was rolled back.

import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';
import { record } from './recorded.js';

const HAR = {
  log: {
    version: '1.2',
    creator: { name: 'test', version: '1' },
    entries: [
      {
        startedDateTime: new Date().toISOString(),
        time: 1,
        request: { method: 'POST', url: 'http://127.0.0.1:9/hook', httpVersion: 'HTTP/1.1', headers: [], postData: { mimeType: 'text/plain', text: 'x' } },
        response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], content: { size: 2, text: 'ok' } },
      },
    ],
  },
};

/**
 * A store with one exchange, the local app and a HAR to import; then trigger, import and prune (each with `flags`) run while
 * another process holds the write lock for as long as they do (each waits out its 5 s busy timeout).
 */
async function triggerImportPruneWhileLocked(flags: string[], triggerFlags: string[] = []) {
  const home = tempHome();
  onCleanup(home.cleanup);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  record(home.db, [{ target: app.url, status: 200 }]);
  const har = join(home.dir, 'one.har');
  writeFileSync(har, JSON.stringify(HAR));
  const locker = new Database(home.db);
  onCleanup(() => locker.open && locker.close());
  locker.exec('BEGIN IMMEDIATE');
  const rest = [...flags, '--db', home.db];
  const [trigger, imported, pruned] = await Promise.all([
    runCli(['trigger', 'github', 'push', '--to', String(app.port), ...triggerFlags, ...rest], { env: home.env }),
    runCli(['import', har, ...rest], { env: home.env }),
    runCli(['prune', '--keep', '0', '--yes', ...rest], { env: home.env }),
  ]);
  locker.exec('ROLLBACK');
  locker.close();
  return { home, app, trigger, imported, pruned };
}

describe('a store that cannot take writes', () => {
  it('makes trigger and import say what was not recorded, and prune what it could not delete, exit 1', async () => {
    const { home, app, trigger, imported, pruned } = await triggerImportPruneWhileLocked([]);

    // The app got the webhook (sending cannot wait for the store), but it is not said to be recorded.
    expect(app.received.map((r) => r.url)).toEqual(['/']);
    expect(trigger.code).toBe(1);
    expect(trigger.stdout).toMatch(/ github push +200 +\S+ +- *$/m);
    expect(trigger.stderr).toContain(`error: the exchange could not be recorded in ${home.db}: database is locked\n`);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toBe('');
    expect(imported.stderr).toContain(`error: the imported exchanges could not be recorded in ${home.db}: database is locked\n`);

    // prune writes directly, without a memory to wait in: an error naming the file, not a crash with a stack.
    expect(pruned.code).toBe(1);
    expect(pruned.stderr).toBe(
      `error: the capture database ${home.db} could not take the change: database is locked\n` +
        'hint: another process holds it locked (a long sqlite3 session?), or its disk is full: try again once it is free\n',
    );

    const ls = JSON.parse((await runCli(['ls', '--json', '--db', home.db], { env: home.env })).stdout) as { id: number }[];
    expect(ls.map((e) => e.id)).toEqual([1]);
  }, 30_000);

  it('with --json, says the same as one JSON error on stderr (README, "Errors with --json")', async () => {
    const { home, trigger, imported, pruned } = await triggerImportPruneWhileLocked(['--json'], ['--secret', 'github=s3cret']);

    const unwritten = (what: string) => ({
      error: { code: 'not_recorded', message: `${what} could not be recorded in ${home.db}: database is locked`, hint: expect.stringContaining('free disk space') },
    });
    expect(trigger.code).toBe(1);
    expect(JSON.parse(trigger.stdout)).toMatchObject({ status: 200 });
    expect(jsonLines(trigger.stderr)).toEqual([unwritten('the exchange')]);
    expect(imported.code).toBe(1);
    expect(jsonLines(imported.stderr)).toEqual([unwritten('the imported exchanges')]);
    expect(pruned.code).toBe(1);
    expect(jsonLines(pruned.stderr)).toEqual([
      { error: { code: 'database_unavailable', message: `the capture database ${home.db} could not take the change: database is locked`, hint: expect.stringContaining('try again once it is free') } },
    ]);
  }, 30_000);
});
