// Filtering a large store in the inspector page, in a real Chromium: the server examines at most 2,000 rows per
// request, so a match older than that (the one failed delivery among thousands) must still be found, and the answer
// for a filter typed a moment ago must not be drawn over the one typed since.

import { expect, it, vi } from 'vitest';
import type { Route } from 'playwright-core';
import type { Store } from '../../src/store/store.js';
import { SCAN_LIMIT } from '../../src/web/list-filter.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { useInspectorPage } from './browser.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

/** Rows after the failed one: more than one request examines. */
const NEWER = SCAN_LIMIT + 500;

function recordRow(store: Store, path: string, status: number): void {
  const recording = store.begin(exchangeStart({ path, body: Buffer.from('{}') }));
  recording.respond(status, []);
  recording.complete(1);
}

const web = useInspectorPage({
  name: 'filter',
  seed: (store) => {
    recordRow(store, '/failed/once', 503); // #1
    for (let i = 0; i < NEWER; i++) recordRow(store, `/ok/${i}`, 200);
    store.writes.commitBatch();
  },
  prepare: (tab) =>
    // Marks when the page has had the list answer for "path:/ok/1" and its handling of it (the microtasks after it) has run.
    tab.addInitScript(() => {
      const json = Response.prototype.json;
      Response.prototype.json = function (this: Response) {
        return json.call(this).then((value: unknown) => {
          if (this.url.includes('q=path%3A%2Fok%2F1')) setTimeout(() => ((window as unknown as { okOneRead: boolean }).okOneRead = true));
          return value;
        });
      };
    }),
});

const shownIds = () => web.page.$$eval('#rows tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-id'))));

it('finds a match older than the rows one request examines, instead of saying nothing matches', async () => {
  await web.page.fill('#filter', 'status:5xx');
  await web.page.waitForSelector('tr[data-id="1"]');
  expect(await shownIds()).toEqual([1]);
  expect(await web.page.isHidden('#empty')).toBe(true);
  // The whole store has been examined: nothing older to load.
  expect(await web.page.isHidden('#more')).toBe(true);
});

it('says nothing matches only once the whole store has been examined', async () => {
  await web.page.fill('#filter', 'status:4xx');
  await web.page.waitForFunction(() => {
    const empty = document.querySelector<HTMLElement>('#empty')!;
    return !empty.hidden && empty.textContent!.startsWith('No exchanges match the filter "status:4xx"');
  });
  expect(await web.page.textContent('#empty')).toBe('No exchanges match the filter "status:4xx". Esc clears it.');
  expect(await web.page.isHidden('#more')).toBe(true);
  expect(await shownIds()).toEqual([]);
});

it('offers no HAR export of an empty list, instead of a link that saves the page itself as hooktunnel.har', async () => {
  await web.page.fill('#filter', 'method:DELETE');
  await web.page.waitForFunction(() => !document.querySelector<HTMLElement>('#empty')!.hidden && document.querySelector('#empty')!.textContent!.includes('method:DELETE'));
  expect(await web.page.getAttribute('#har', 'href')).toBeNull();
  expect(await web.page.textContent('#har')).toBe('export HAR (none shown)');
  await web.page.fill('#filter', 'status:5xx');
  await web.page.waitForSelector('tr[data-id="1"]');
  expect(await web.page.getAttribute('#har', 'href')).toBe('/api/export.har?ids=1');
});

it('draws the answer for the filter as it is now, not one for what was typed before that came later', async () => {
  // The answer for "path:/ok/1" is held until the one for "path:/ok/2" has been drawn.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let sawHeld!: () => void;
  const heldSeen = new Promise<void>((resolve) => (sawHeld = resolve));
  await web.page.route(/\/api\/exchanges\?q=path%3A%2Fok%2F1(&|$)/, async (route: Route) => {
    sawHeld();
    await held;
    await route.continue();
  });
  await web.page.fill('#filter', 'path:/ok/1');
  await heldSeen;
  await web.page.fill('#filter', 'path:/ok/2');
  // /ok/2 is #4 (the failed one is #1, /ok/0 is #2).
  await web.page.waitForSelector('tr[data-id="4"]');
  release();
  await web.page.waitForFunction(() => (window as unknown as { okOneRead?: boolean }).okOneRead === true);
  expect(await shownIds()).toEqual([4]);
  await web.page.unroute(/\/api\/exchanges/);
});
