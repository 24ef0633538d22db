// The exchange on show is in the page's address (`/#12`), in a real Chromium: a reload comes back to it, and an
// address typed with an id opens that exchange.

import { expect, it, vi } from 'vitest';
import { record } from './support.js';
import { useInspectorPage } from './browser.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const web = useInspectorPage({
  name: 'address',
  seed: async (store, app) => {
    await record(store, app.url, { path: '/a', body: 'a' }); // #1
    await record(store, app.url, { path: '/b', body: 'b' }); // #2
  },
});

it('keeps the exchange on show in the address, so a reload comes back to it', async () => {
  await web.page.click('tr[data-id="1"]');
  await web.page.waitForSelector('.detail-title >> text=#1');
  expect(new URL(web.page.url()).hash).toBe('#1');
  await web.page.reload();
  await web.page.waitForSelector('body[data-ready="true"]');
  await web.page.waitForSelector('.detail-title >> text=/a');
  expect(await web.page.textContent('.detail-title .id')).toBe('  #1');
  expect(await web.page.getAttribute('tr.selected', 'data-id')).toBe('1');
});

it('opens the exchange an address names', async () => {
  await web.page.goto(`${web.inspector.origin}/#2`);
  await web.page.waitForSelector('.detail-title >> text=/b');
  expect(await web.page.getAttribute('tr.selected', 'data-id')).toBe('2');
});
