// A capture database whose pages SQLite finds damaged (a bad disk, a copy taken mid-write): every command says which
// file is damaged and how to save what is left, exit 1, instead of "hooktunnel crashed; this is a bug" and a stack.

import Database from 'better-sqlite3';
import { openSync, writeSync, closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome, wordsOfJsonError } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { record } from './recorded.js';

/** Overwrites the first page of the exchanges table with bytes no b-tree page starts with. */
function damageExchangesTable(db: string): void {
  const sqlite = new Database(db);
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  const root = sqlite.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'exchanges'`).pluck().get() as number;
  sqlite.close();
  const fd = openSync(db, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0), 0, pageSize, (root - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

describe('a damaged capture database', () => {
  it('is named, with what to do, by ls, show, replay and listen (exit 1, no stack)', async () => {
    const home = tempHome();
    onCleanup(home.cleanup);
    record(home.db, [{ target: 'http://127.0.0.1:1', status: 200 }, { target: 'http://127.0.0.1:1', status: 200 }]);
    damageExchangesTable(home.db);

    for (const argv of [['ls'], ['ls', '--json'], ['show', '1'], ['replay', '1'], ['listen', '3000', '--relay', 'http://127.0.0.1:9', '--no-retry', '--no-web', '--json']]) {
      const result = await runCli([...argv, '--db', home.db], { env: home.env });
      expect(result.code, argv.join(' ')).toBe(1);
      // With --json the same words are one JSON error (README, "Errors with --json").
      const words = argv.includes('--json') ? wordsOfJsonError(result.stderr, 'database_damaged') : result.stderr;
      expect(words, argv.join(' ')).toContain(`error: the capture database ${home.db} is damaged: database disk image is malformed\n`);
      expect(words).toContain(`hint: SQLite can often save what is left: sqlite3 '${home.db}' .recover | sqlite3 recovered.db`);
      expect(result.stderr).not.toContain('crashed');
    }
  });
});
