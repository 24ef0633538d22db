// Integers past 2^53 (Discord and Twitter snowflake ids) in the inspector: the diff shows them as they were sent,
// digit for digit and unquoted, as `hooktunnel diff` prints them (over the API and on the page in a real Chromium), and
// the page parses a body holding them once.

import { expect, it, vi } from 'vitest';
import { useInspectorPage } from './browser.js';
import { raw, record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const json: [string, string][] = [['Content-Type', 'application/json']];

const web = useInspectorPage({
  name: 'diff-exact',
  seed: async (store, app) => {
    await record(store, app.url, { path: '/discord', headers: json, body: '{"id":1234567890123456789,"guild":{"id":987654321987654321},"n":1}' }); // #1
    await record(store, app.url, { path: '/discord', headers: json, body: '{"id":1234567890123456788,"guild":{"id":987654321987654329},"n":2}' }); // #2
  },
  prepare: (tab) =>
    // Counts the page's parses of the body text: the folding tree needs one.
    tab.addInitScript(() => {
      const parse = JSON.parse;
      const counted = window as unknown as { bodyParses: number };
      counted.bodyParses = 0;
      JSON.parse = function (text: string, reviver?: Parameters<typeof parse>[1]) {
        if (typeof text === 'string' && text.startsWith('{"id":1234567890123456789,')) counted.bodyParses++;
        return parse(text, reviver);
      };
    }),
});

it('answers the diff with ids past 2^53 as numbers, digit for digit', async () => {
  const reply = await raw(web.inspector.port, 'GET', '/api/diff?a=1&b=2', { Host: `127.0.0.1:${web.inspector.port}` });
  expect(reply.status).toBe(200);
  const text = reply.body.toString();
  expect(text).toContain('{"path":"id","change":"changed","a":1234567890123456789,"b":1234567890123456788}');
  expect(text).toContain('{"path":"guild.id","change":"changed","a":987654321987654321,"b":987654321987654329}');
});

it('shows them on the page as sent, unquoted', async () => {
  await web.page.locator('tr[data-id="1"] input[type="checkbox"]').click();
  await web.page.locator('tr[data-id="2"] input[type="checkbox"]').click();
  await web.page.click('#diff');
  await web.page.waitForSelector('table[data-diff="json"]');
  const rows = await web.page.$$eval('table[data-diff="json"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  expect(rows).toEqual([
    ['~', 'id', '1234567890123456789', '1234567890123456788'],
    ['~', 'guild.id', '987654321987654321', '987654321987654329'],
    ['~', 'n', '1', '2'],
  ]);
});

it('parses a body holding them once, not a second time to keep its numbers as sent', async () => {
  await web.page.keyboard.press('Escape');
  await web.page.locator('tr[data-id="1"]').click();
  await web.page.waitForSelector('.json-tree[data-view="json"]');
  expect(await web.page.$$eval('.json-tree .json-number', (spans) => spans.map((span) => span.textContent))).toEqual(['1234567890123456789', '987654321987654321', '1']);
  expect(await web.page.evaluate(() => (window as unknown as { bodyParses: number }).bodyParses)).toBe(1);
});
