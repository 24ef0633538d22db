// `ls -n` takes any number: a store that senders filled with more rows than a function call takes arguments (130,000
// webhooks) is listed, not met with 'Maximum call stack size exceeded'.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli, tempHome } from '../helpers/cli.js';

const home = tempHome();
afterAll(() => home.cleanup());

const ROWS = 130_000;

beforeAll(() => {
  const store = Store.open(home.db);
  for (let i = 0; i < ROWS; i++) {
    const recording = store.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://localhost:1', receivedAt: Date.now(), method: 'POST', path: '/many', headers: [], body: Buffer.from('x') });
    recording.respond(200, []);
    recording.complete(1);
  }
  store.writes.commitBatch();
  store.close();
}, 60_000);

it('lists 130,000 rows', async () => {
  const result = await runCli(['ls', '-n', '200000', '--db', home.db], { env: home.env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  // The header and a line per row.
  expect(result.stdout.trimEnd().split('\n')).toHaveLength(ROWS + 1);
});
