// A capture database written by a newer hooktunnel (a higher schema version): refused, saying to upgrade, and left as
// it is. The generic hint about the path and its permissions sent users looking for the wrong problem.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { record } from './recorded.js';

describe('a database from a newer hooktunnel', () => {
  it('is refused by ls and listen with a hint to upgrade, and not changed', async () => {
    const home = tempHome();
    onCleanup(home.cleanup);
    record(home.db, [{ target: 'http://127.0.0.1:9', status: 200 }]);
    const future = SCHEMA_VERSION + 1;
    const sqlite = new Database(home.db);
    sqlite.pragma(`user_version = ${future}`);
    sqlite.close();

    for (const argv of [['ls'], ['listen', '3000', '--relay', 'http://127.0.0.1:9', '--no-retry', '--no-web']]) {
      const result = await runCli([...argv, '--db', home.db], { env: home.env });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: could not open the database ${home.db}: the database has schema version ${future}, newer than this hooktunnel understands (${SCHEMA_VERSION})\n` +
          'hint: a newer hooktunnel wrote it: upgrade hooktunnel to read it, or choose another file with --db / HOOKTUNNEL_DB\n',
      );
    }
    const after = new Database(home.db, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(future);
    after.close();
  });
});
