// A command killed (SIGKILL: the OOM killer, a closed CI job) in the middle of the store update a new version runs on
// the first open: its last step's statements have run and some of its pages are in the WAL, but it has not committed.
// The next open finds the step undone, says so again, and does it; nothing recorded is lost.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { SCHEMA_BEFORE_INDEXES, toSchemaBeforeIndexes } from '../helpers/old-schema.js';
import { record } from '../cli/recorded.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXCHANGES = 2_000;

// The built migrate(), run as Store.open runs it, on a connection whose exec kills the process right after the
// statements of the step that builds exchanges_event_type (step 9), before its transaction commits. A cache of a
// few pages makes SQLite write the step's pages to the WAL before the commit, as a big store's update does; the WAL's
// size before and after those statements says it did.
const KILLED_MID_STEP = `
  import { statSync } from 'node:fs';
  import Database from 'better-sqlite3';
  import { migrate } from './dist/src/store/migrations.js';
  const file = process.argv[1];
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('cache_size = 5');
  const exec = db.exec.bind(db);
  db.exec = (sql) => {
    if (!sql.includes('exchanges_event_type')) return exec(sql);
    const walBefore = statSync(file + '-wal').size;
    exec(sql);
    process.stdout.write(JSON.stringify({ walBefore, walAtKill: statSync(file + '-wal').size }));
    process.kill(process.pid, 'SIGKILL');
  };
  migrate(db);
`;

/** How the child ended, and the WAL's size before and after the statements it was killed after. */
function runKilledMidStep(file: string): Promise<{ signal: NodeJS.Signals | null; wal: { walBefore: number; walAtKill: number } }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', KILLED_MID_STEP, file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ signal, wal: JSON.parse(out || '{}') }));
  });
}

function look(file: string) {
  const db = new Database(file);
  try {
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('exchanges_replays', 'exchanges_provider', 'exchanges_event_type') ORDER BY name`).pluck().all();
    return {
      version: db.pragma('user_version', { simple: true }),
      indexes,
      exchanges: db.prepare('SELECT count(*) FROM exchanges WHERE provider = ?').pluck().get('stripe'),
      integrity: db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    db.close();
  }
}

describe('a store update killed mid-step', () => {
  it('is found undone by the next open, which does it again; every exchange is still there', async () => {
    const home = tempHome();
    onCleanup(home.cleanup);
    record(home.db, Array.from({ length: EXCHANGES }, () => ({ target: 'http://127.0.0.1:9', status: 200 })));
    const db = new Database(home.db);
    db.prepare(`UPDATE exchanges SET provider = 'stripe', event_type = 'charge.succeeded'`).run();
    db.close();
    toSchemaBeforeIndexes(home.db);

    const killed = await runKilledMidStep(home.db);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.wal.walAtKill).toBeGreaterThan(killed.wal.walBefore);
    // Step 8 (replay_of) committed; step 9 (provider, event_type) ran but did not.
    expect(look(home.db)).toEqual({ version: SCHEMA_BEFORE_INDEXES + 1, indexes: ['exchanges_replays'], exchanges: EXCHANGES, integrity: 'ok' });

    const next = await runCli(['ls', '--json', '--limit', '1', '--provider', 'stripe', '--db', home.db], { env: home.env });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(`updating the recording store ${home.db} for this version of hooktunnel (2,000 exchanges;`);
    expect(JSON.parse(next.stdout)).toMatchObject([{ id: EXCHANGES }]);
    expect(look(home.db)).toEqual({
      version: SCHEMA_VERSION,
      indexes: ['exchanges_event_type', 'exchanges_provider', 'exchanges_replays'],
      exchanges: EXCHANGES,
      integrity: 'ok',
    });
  });
});
