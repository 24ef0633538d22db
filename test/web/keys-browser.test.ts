// The inspector page by keyboard alone, in a real Chromium: mark two exchanges with x and diff them with d.

import { expect, it, vi } from 'vitest';
import { useInspectorPage } from './browser.js';
import { record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const web = useInspectorPage({
  name: 'keys',
  seed: async (store, app) => {
    const json: [string, string][] = [['Content-Type', 'application/json']];
    await record(store, app.url, { path: '/a', headers: json, body: '{"n":1}' }); // #1
    await record(store, app.url, { path: '/b', headers: json, body: '{"n":2}' }); // #2
  },
});

it('says how to diff when d is pressed with fewer than two marked', async () => {
  await web.page.keyboard.press('j');
  await web.page.waitForSelector('tr.selected[data-id="2"]');
  await web.page.keyboard.press('x');
  await web.page.keyboard.press('d');
  await web.page.waitForSelector('#message.error');
  expect(await web.page.textContent('#message')).toBe('mark two exchanges with x (or their checkboxes), then press d to diff them');
  expect(await web.page.isVisible('dialog#modal')).toBe(false);
});

it('opens the diff of the two marked with d', async () => {
  await web.page.keyboard.press('j');
  await web.page.waitForSelector('tr.selected[data-id="1"]');
  await web.page.keyboard.press('x');
  expect(await web.page.textContent('#diff')).toBe('diff #2 ↔ #1 (d)');
  await web.page.keyboard.press('d');
  await web.page.waitForSelector('dialog#modal[open] table[data-diff="json"]');
  expect(await web.page.textContent('dialog#modal h2')).toBe('diff #2 ↔ #1');
  expect(await web.page.$$eval('table[data-diff="json"] tbody td', (tds) => tds.map((td) => td.textContent))).toEqual(['~', 'n', '2', '1']);
});
