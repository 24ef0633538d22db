// `hooktunnel ls` over a store kept for days: a row from another day carries its date, since a time of day alone is
// on every day, and `--json` keeps the exact instant it always had.

import { expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';

it('dates the rows not from today, keeps today\'s to the time, and leaves --json as it was', async () => {
  const home = tempHome();
  onCleanup(home.cleanup);
  const now = new Date();
  const threeDaysAgo = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 3, 14, 3, 11);
  const store = Store.open(home.db);
  for (const [path, receivedAt] of [['/days-ago', threeDaysAgo.getTime()], ['/today', Date.now()]] as const) {
    const recording = store.begin(exchangeStart({ path, receivedAt }));
    recording.respond(200, []);
    recording.complete(1);
  }
  store.writes.commitBatch();
  store.close();

  const ls = await runCli(['ls', '--db', home.db], { env: home.env });
  expect(ls.code, ls.stderr).toBe(0);
  const [header, today, older] = ls.stdout.trimEnd().split('\n');
  const month = threeDaysAgo.toLocaleString('en-US', { month: 'short' });
  const day = String(threeDaysAgo.getDate()).padStart(2, '0');
  const year = threeDaysAgo.getFullYear() === now.getFullYear() ? '' : `${threeDaysAgo.getFullYear()} `;
  expect(older).toMatch(new RegExp(`^1 {7}${month} ${day} ${year}14:03:11  POST `));
  expect(today).toMatch(/^2 {7}\d\d:\d\d:\d\d {2,}POST /);
  // The columns stay aligned: METHOD starts where POST does on every row.
  expect(new Set([header, today, older].map((line) => line.search(/METHOD|POST/))).size).toBe(1);

  const json = JSON.parse((await runCli(['ls', '--json', '--db', home.db], { env: home.env })).stdout) as { receivedAt: string }[];
  expect(json.map((e) => e.receivedAt)).toEqual([expect.any(String), threeDaysAgo.toISOString()]);
});
