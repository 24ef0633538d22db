// A store kept for days, in a real Chromium: a row from another day carries its date (a time of day alone is on every
// day), and an exchange left without an answer says why in the diff's header, not "no answer yet".

import { expect, it, vi } from 'vitest';
import { formatListTime } from '../../src/output/format.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { useInspectorPage } from './browser.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const today = new Date();
const threeDaysAgo = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 3, 14, 3, 11).getTime();

const web = useInspectorPage({
  name: 'history',
  seed: (store) => {
    const old = store.begin(exchangeStart({ path: '/days-ago', receivedAt: threeDaysAgo })); // #1
    old.respond(200, []);
    old.complete(1);
    // What an import holds no answer for, or a listen killed before the app answered: no answer will ever come.
    store.begin(exchangeStart({ path: '/interrupted' })).interrupt(0); // #2
    const answered = store.begin(exchangeStart({ path: '/answered' })); // #3
    answered.respond(200, []);
    answered.complete(1);
    store.writes.commitBatch();
  },
});

const timeOf = (id: number) => web.page.textContent(`tr[data-id="${id}"] td.time`);

it('shows the date of a row from another day, as `hooktunnel ls` does, and the time alone for today\'s', async () => {
  const date = await timeOf(1);
  expect(date).toMatch(/^[A-Z][a-z]{2} \d\d (\d{4} )?14:03:11$/);
  expect(date).toBe(formatListTime(threeDaysAgo));
  expect(await timeOf(3)).toMatch(/^\d\d:\d\d:\d\d$/);
});

it('says in the diff header that an interrupted exchange got no answer because recording stopped', async () => {
  await web.page.locator('tr[data-id="3"] input[type="checkbox"]').click();
  await web.page.locator('tr[data-id="2"] input[type="checkbox"]').click();
  await web.page.click('#diff');
  await web.page.waitForSelector('.diff-sides');
  expect(await web.page.textContent('.diff-sides .removed')).toBe('− #3  POST /answered  → 200');
  expect(await web.page.textContent('.diff-sides .added')).toBe('+ #2  POST /interrupted  → interrupted: the recording process stopped before an answer arrived');
});
