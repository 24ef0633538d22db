// The data directory's lock as the operator commands read it (relayRunsOn) beside a relay taking it (lockDataDir):
// reading it never makes a relay that is starting take the reader for another relay. SQLite files in a temp dir, the
// reader in a child process, as `relay name give` is.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir, relayRunsOn } from '../../src/relay-state/data-dir-lock.js';
import { onCleanup } from '../helpers/cleanup.js';
import { tempHome } from '../helpers/cli.js';
import { waitFor } from '../helpers/http.js';

// Holds relay.lock shared, as relayRunsOn's read does, only longer (50 ms) so the relay's start surely meets it.
const SLOW_READER = `
import Database from 'better-sqlite3';
const db = new Database(process.argv[1], { readonly: true, fileMustExist: true });
db.exec('BEGIN');
db.prepare('SELECT count(*) FROM sqlite_master').get();
process.stdout.write('held\\n');
setTimeout(() => db.close(), 50);
`;

describe('data directory lock', () => {
  it('a relay starting while its lock is being read waits for the read, and is then seen running', async () => {
    const h = tempHome();
    onCleanup(h.cleanup);
    const dir = h.dir;
    expect(relayRunsOn(dir)).toBe(false);
    lockDataDir(dir).release();
    expect(relayRunsOn(dir)).toBe(false);

    const reader = spawn(process.execPath, ['--input-type=module', '-e', SLOW_READER, join(dir, 'relay.lock')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => reader.once('exit', resolve));
    onCleanup(() => exited);
    let out = '';
    reader.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    await waitFor(() => out.includes('held'), 'the reader to hold the lock shared');

    const lock = lockDataDir(dir);
    onCleanup(() => lock.release());
    expect(relayRunsOn(dir)).toBe(true);
  });
});
