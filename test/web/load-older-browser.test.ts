// The rows "load older" brought in, in a real Chromium: a webhook arriving afterwards must not trim them away again
// (the page kept 1,000 rows in all, so the 1,001st row the user had asked for left at the next webhook).

import { expect, it, vi } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { record } from './support.js';
import { useInspectorPage } from './browser.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

/** Enough for the first page (100 rows) and ten "load older" pages, with older rows still left in the store. */
const SEEDED = 1_150;

function recordRow(store: Store, i: number): void {
  const recording = store.begin(exchangeStart({ path: `/old/${i}`, body: Buffer.from('{}') }));
  recording.respond(200, []);
  recording.complete(1);
}

const web = useInspectorPage({
  name: 'load-older',
  seed: (store) => {
    for (let i = 0; i < SEEDED; i++) recordRow(store, i);
    store.writes.commitBatch();
  },
});

const rowCount = () => web.page.locator('#rows tr').count();

it('keeps the rows "load older" brought in when a new webhook arrives', async () => {
  expect(await rowCount()).toBe(100);
  for (let shown = 200; shown <= 1_100; shown += 100) {
    await web.page.click('#more');
    await web.page.waitForFunction((n) => document.querySelectorAll('#rows tr').length === n, shown);
  }
  const oldest = SEEDED - 1_100 + 1;
  await web.page.locator(`tr[data-id="${oldest}"]`).waitFor();

  const live = await record(web.store, web.app.url, { path: '/live', body: 'new' });
  web.inspector.announce(live);
  await web.page.locator(`tr[data-id="${live.id}"]`).waitFor();
  expect(await rowCount()).toBe(1_101);
  expect(await web.page.locator(`tr[data-id="${oldest}"]`).count()).toBe(1);
  // Older rows are still in the store: "load older" still offers them.
  expect(await web.page.isVisible('#more')).toBe(true);
});
