// The body views of the inspector page in a real Chromium, for bodies a developer meets when something is wrong: a
// body that says it is JSON and is not, a body labelled gzip that is not, a large binary body.

import { expect, it, vi } from 'vitest';
import { useInspectorPage } from './browser.js';
import { record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

/** A trailing comma: what a hand-written test payload often has, and what the app's JSON.parse refuses. */
const BROKEN = '{"id":"evt_1","amount":2000,}';
/** A 1 MB binary body (bytes 0–255 over and over): its hex dump is 62,500 lines, five million characters. */
const BINARY = Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => i % 256));

const web = useInspectorPage({
  name: 'bodies',
  seed: async (store, app) => {
    await record(store, app.url, { path: '/broken', headers: [['Content-Type', 'application/json']], body: BROKEN }); // #1
    await record(store, app.url, { path: '/not-gzip', headers: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], body: '{"plain":true}' }); // #2
    await record(store, app.url, { path: '/binary', headers: [['Content-Type', 'application/octet-stream']], body: BINARY }); // #3
  },
});

it('says a body sent as JSON is not valid JSON, and where, above its text', async () => {
  await web.page.click('tr[data-id="1"]');
  await web.page.waitForSelector('[data-body-note]');
  expect(await web.page.textContent('[data-body-view="json"].active')).toBe('pretty');
  expect(await web.page.textContent('[data-body-note]')).toMatch(/^not valid JSON \(.*position 28.*\): shown as text$/);
  expect(await web.page.textContent('pre[data-view="text"]')).toBe(BROKEN);
});

it('says a body labelled gzip that does not inflate is shown as stored, as `hooktunnel show` says it', async () => {
  await web.page.click('tr[data-id="2"]');
  await web.page.waitForSelector('.detail-title >> text=/not-gzip');
  await web.page.waitForSelector('.json-tree[data-view="json"]');
  expect(await web.page.textContent('[data-body-summary]')).toBe(
    '14 bytes · application/json · encoding gzip · labelled gzip, but is not gzip, or is cut short or damaged: shown as stored',
  );
});

it('shows a 1 MB binary body as hex a page at a time, not five million characters at once', async () => {
  await web.page.click('tr[data-id="3"]');
  await web.page.waitForSelector('.detail-title >> text=/binary');
  await web.page.waitForSelector('[data-pager="range"]');
  expect(await web.page.textContent('[data-pager="range"]')).toBe('bytes 0–4,096 of 1,000,000 (large body: shown a page at a time)');
  const lines = (await web.page.textContent('pre[data-view="hex"]'))!.split('\n');
  expect(lines).toHaveLength(256);
  expect(lines[255]).toMatch(/^00000ff0 {2}f0 f1 f2/);
  await web.page.click('text=next ▶');
  await web.page.waitForSelector('pre[data-view="hex"] >> text=/^00001000 {2}00 01 02/');
});
