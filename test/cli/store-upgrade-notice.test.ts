// A store recorded by an older hooktunnel: the first command to open it builds indexes from every exchange (3.6 s on a
// 300,000-exchange store), and said nothing: `listen` looked hung before its URL, `ls` slow for no reason. It is said
// on stderr, before and after, once; stdout stays what scripts parse. A new or an empty store has nothing to say.
// Another command opening it meanwhile waits for the lock the update holds, and past its busy timeout says so.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loopbackRelay, runCli, startListen, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { waitFor } from '../helpers/http.js';
import { toSchemaBeforeIndexes } from '../helpers/old-schema.js';
import { record } from './recorded.js';

const TARGET = 'http://127.0.0.1:9';

function homeWithOldStore(exchanges: number): { db: string; env: Record<string, string>; dir: string } {
  const home = tempHome();
  onCleanup(home.cleanup);
  record(home.db, Array.from({ length: exchanges }, () => ({ target: TARGET, status: 200 })));
  toSchemaBeforeIndexes(home.db);
  return home;
}

const updating = (db: string, count: string) =>
  `note: updating the recording store ${db} for this version of hooktunnel (${count}; once, may take a few seconds)…\n`;
const UPDATED = /^note: recording store updated in [0-9.]+m?s$/m;

describe('opening a store an older hooktunnel recorded', () => {
  it('ls says on stderr that it updates the store and how long it took, once, with its JSON on stdout as ever', async () => {
    const { db, env } = homeWithOldStore(2);
    const first = await runCli(['ls', '--json', '--db', db], { env });
    expect(first.code).toBe(0);
    expect(first.stderr.startsWith(updating(db, '2 exchanges'))).toBe(true);
    expect(first.stderr).toMatch(UPDATED);
    expect(first.stderr.split('\n')).toHaveLength(3);
    expect(JSON.parse(first.stdout)).toHaveLength(2);

    const again = await runCli(['ls', '--json', '--db', db], { env });
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(first.stdout);
  });

  it('listen says it on stderr, its --json events untouched; with a new store, or an old one with nothing recorded, it says nothing', async () => {
    const cleanups: (() => unknown)[] = [];
    onCleanup(async () => {
      while (cleanups.length) await cleanups.pop()!();
    });
    const relay = await loopbackRelay(cleanups);
    const args = (db: string) => ['3000', '--relay', relay, '--db', db, '--no-web'];

    const old = homeWithOldStore(1);
    const upgrading = await startListen(args(old.db), old.env);
    cleanups.push(() => upgrading.stop());
    await waitFor(() => UPDATED.test(upgrading.stderr()), 'the update to be said done');
    expect(upgrading.stderr().startsWith(updating(old.db, '1 exchange'))).toBe(true);
    expect(upgrading.events.map((e) => e.type)).not.toContain('notice');

    const empty = homeWithOldStore(0);
    for (const db of [join(empty.dir, 'new.db'), empty.db]) {
      const quiet = await startListen(args(db), empty.env);
      cleanups.push(() => quiet.stop());
      expect(await quiet.stop()).toBe(0);
      expect(quiet.stderr()).toBe('');
    }
  });

  it('names the lock when another process holds it for the whole wait (another command updating it), not the path', async () => {
    const { db, env } = homeWithOldStore(1);
    const locker = new Database(db);
    onCleanup(() => locker.open && locker.close());
    locker.exec('BEGIN IMMEDIATE');
    // ls waits out its 5 s busy timeout for the lock.
    const locked = await runCli(['ls', '--json', '--db', db], { env });
    locker.exec('ROLLBACK');
    locker.close();
    expect(locked.code).toBe(1);
    expect(locked.stdout).toBe('');
    expect(locked.stderr).toBe(
      updating(db, '1 exchange') +
        `${JSON.stringify({
          error: {
            code: 'database_unavailable',
            message: `could not open the database ${db}: database is locked`,
            hint: 'another process holds it locked (another hooktunnel updating it for this version, or a long sqlite3 session?): try again once it is free',
          },
        })}\n`,
    );
    const after = await runCli(['ls', '--json', '--db', db], { env });
    expect(after.stderr).toMatch(UPDATED);
    expect(JSON.parse(after.stdout)).toHaveLength(1);
  }, 30_000);
});
