// The inspector page as the exchanges of a real `hooktunnel listen` come and go, in a real headless Chromium: rows
// that finish out of order, replays the app never got, and what the page says when things change under it.

import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { runCli, startListen, tempHome } from '../helpers/cli.js';
import { freePort, send, waitFor } from '../helpers/http.js';
import { openInspector, useListenPage } from './browser.js';

// A browser, a relay, listen and a local app on a 2-core machine running the whole suite: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

let page: Page;
/** Answers the app holds back (path → response) until a test releases them. */
const held = new Map<string, ServerResponse>();

const web = useListenPage({
  app: (req, res) => {
    if (req.url!.startsWith('/hold/')) return void held.set(req.url!, res);
    // An app that never answers these: hooktunnel records its own 502.
    if (req.url!.startsWith('/drop/')) return void res.socket!.destroy();
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
  },
});

// Runs before the fixture's afterAll: the held answers go before the app closes.
afterAll(() => {
  for (const res of held.values()) res.destroy();
});

beforeEach(async () => {
  page = await openInspector(web.browser, web.inspectorUrl);
});

afterEach(async () => {
  await page?.close();
});

const row = (id: number) => page.locator(`tr[data-id="${id}"]`);

const shownIdsOf = (tab: Page) => tab.$$eval('#rows tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-id'))));
const shownIds = () => shownIdsOf(page);

it('lists an exchange that finished after a later one, in its place by id', async () => {
  // The first request gets the lower id on arrival, but its answer comes last.
  const slow = send(`${web.listen.url}/hold/slow`, { body: 'slow' });
  await waitFor(() => held.get('/hold/slow'), 'the app to hold /hold/slow');
  await send(`${web.listen.url}/fast`, { body: 'fast' });
  const fast = await web.idOf('/fast');
  await row(fast).waitFor();

  held.get('/hold/slow')!.end('late');
  held.delete('/hold/slow');
  expect((await slow).status).toBe(200);
  const slowId = await web.idOf('/hold/slow');
  expect(slowId).toBeLessThan(fast);
  await row(slowId).waitFor();
  const ids = await shownIds();
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
});

it('says a replay or retry the app never answered is a failure, with the reason, not "replayed: 502"', async () => {
  await send(`${web.listen.url}/drop/replay`, { body: 'x' });
  const id = await web.idOf('/drop/replay');
  await row(id).click();
  await page.waitForSelector('[data-action="replay"]:not([disabled])');

  await page.click('[data-action="replay"]');
  await page.waitForSelector('#message.error');
  const replayed = await page.textContent('#message');
  expect(replayed).toMatch(new RegExp(`^replay of #${id} failed: the local app at .+ closed the connection without answering \\(recorded as #\\d+\\)$`));

  await page.click('[data-action="retry"]');
  await page.waitForFunction((id) => document.querySelector('#message')?.textContent?.startsWith(`retry of #${id} failed: `), id);
  expect(await page.getAttribute('#message', 'class')).toBe('error');
});

it('diffs every value of a repeated header, as `hooktunnel diff` does, not only the last', async () => {
  await send(`${web.listen.url}/diff/one`, { headers: ['X-Dup', 'first', 'X-Dup', 'same'], body: 'body' });
  const a = await web.idOf('/diff/one');
  await send(`${web.listen.url}/diff/two`, { headers: ['X-Dup', 'changed', 'X-Dup', 'same'], body: 'body' });
  const b = await web.idOf('/diff/two');
  await row(a).locator('input[type="checkbox"]').click();
  await row(b).locator('input[type="checkbox"]').click();
  await page.click('#diff');
  await page.waitForSelector('[data-diff="headers"]');
  const cells = await page.$$eval('[data-diff="headers"] tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => [...td.querySelectorAll('div')].map((d) => d.textContent).join('|') || td.textContent)),
  );
  expect(cells).toContainEqual(['~', 'X-Dup', 'first|same', 'changed|same']);
});

it('says the connection is lost when listen stops, instead of the tunnel\'s last "● online"', async () => {
  const own = tempHome();
  const relayUrl = `http://127.0.0.1:${web.relay.port}`;
  const other = await startListen([String(web.app.port), '--relay', relayUrl, '--db', own.db, '--inspect-port', '0'], own.env);
  const tab = await openInspector(web.browser, other.events.find((e) => e.type === 'ready')!.inspector as string);
  try {
    await send(`${other.url}/stopping`, { body: 'x' });
    await tab.locator('#rows tr').first().click();
    await tab.waitForSelector('[data-action="replay"]:not([disabled])');
    await tab.waitForSelector('.connection.conn-online');

    expect(await other.stop()).toBe(0);
    await tab.waitForSelector('.connection.conn-disconnected');
    expect(await tab.textContent('.connection')).toBe('● disconnected');
    expect(await tab.textContent('#live')).toBe('disconnected');
    await tab.click('[data-action="replay"]');
    await tab.waitForSelector('#message.error');
    expect(await tab.textContent('#message')).toMatch(/^replay of #1 failed: cannot reach hooktunnel at http:\/\/127\.0\.0\.1:\d+: has it stopped\?$/);
  } finally {
    await tab.close();
    await other.stop();
    own.cleanup();
  }
});

it('reads the list again when listen comes back: rows recorded while it was away appear, and the new run\'s secret is asked for', async () => {
  const own = tempHome();
  const relayUrl = `http://127.0.0.1:${web.relay.port}`;
  // The same inspector port again after the restart, as 4040 would be.
  const args = [String(web.app.port), '--relay', relayUrl, '--db', own.db, '--inspect-port', String(await freePort())];
  let other = await startListen(args, own.env);
  const tab = await openInspector(web.browser, other.events.find((e) => e.type === 'ready')!.inspector as string);
  try {
    await send(`${other.url}/before-restart`, { body: 'x' });
    await tab.locator('tr[data-id="1"]').click();
    await tab.waitForSelector('[data-action="replay"]:not([disabled])');
    expect(await other.stop()).toBe(0);
    await tab.waitForSelector('#live:text("disconnected")');

    // Another process records while no inspector is there to announce it.
    expect((await runCli(['replay', '1', '--db', own.db], { env: own.env })).code).toBe(0);
    other = await startListen(args, own.env);
    await tab.waitForSelector('#live.on');
    await tab.locator('tr[data-id="2"]').waitFor();
    expect(await shownIdsOf(tab)).toEqual([2, 1]);
    // This run has another secret: the tab's cookie no longer allows replays, and the page says so.
    await tab.waitForSelector('#readonly:visible');
    await tab.waitForSelector('[data-action="replay"][disabled]');
  } finally {
    await tab.close();
    await other.stop();
    own.cleanup();
  }
});

it('keeps the row k moves to in sight, below the list\'s sticky header, not under it', async () => {
  // More rows than the list shows, so moving down scrolls it and moving back up has to scroll it back.
  for (let i = 0; i < 45; i++) await send(`${web.listen.url}/scroll/${i}`, { body: String(i) });
  const last = await web.idOf('/scroll/44');
  await row(last).click();
  for (let i = 0; i < 44; i++) await page.keyboard.press('j');
  for (let i = 0; i < 40; i++) await page.keyboard.press('k');
  await page.waitForSelector(`tr.selected[data-id="${last - 4}"]`);
  // Once the page has settled (the feed's last updates and the detail's load may still move things for a frame): the
  // list is scrolled, so the header floats over rows, and the row starts where the header ends. Without the list's
  // scroll padding it stays under the header, and this times out.
  await page.waitForFunction(() => {
    const row = document.querySelector('#rows tr.selected')!.getBoundingClientRect();
    const header = document.querySelector('.list th')!.getBoundingClientRect();
    return document.querySelector('.list')!.scrollTop > 0 && row.top >= Math.floor(header.bottom);
  }, undefined, { timeout: 5_000 });
});

it('puts the list above the detail in a narrow window, so a row\'s event and path stay readable', async () => {
  await send(`${web.listen.url}/webhooks/narrow-window`, { headers: ['Content-Type', 'application/json'], body: '{}' });
  const id = await web.idOf('/webhooks/narrow-window');
  await page.setViewportSize({ width: 600, height: 800 });
  await row(id).click();
  await page.waitForSelector('[data-body="request"] .body-content > *');
  const layout = await page.evaluate((id) => {
    const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
    return {
      pageWidth: document.documentElement.scrollWidth,
      pathWidth: box(`tr[data-id="${id}"] td.what`).width,
      listBottom: box('.list').bottom,
      detailTop: box('#detail').top,
    };
  }, id);
  expect(layout.pageWidth).toBe(600);
  expect(layout.detailTop).toBeGreaterThanOrEqual(layout.listBottom - 1);
  // "/webhooks/narrow-window" on one line, not a letter or two per line.
  expect(layout.pathWidth).toBeGreaterThan(200);
});

it('shows a new exchange that matches the filter while other webhooks keep arriving', async () => {
  await page.fill('#filter', 'path:/filtered/match');
  await page.waitForSelector('#empty:visible');
  // Webhooks that do not match, back to back, until the match is on the page (or long after it would have been).
  let matched = false;
  const deadline = Date.now() + 15_000;
  const noise = (async () => {
    for (let i = 0; !matched && Date.now() < deadline; i++) await send(`${web.listen.url}/filtered/noise/${i}`, { body: 'noise' });
  })();
  try {
    await send(`${web.listen.url}/filtered/match`, { body: 'match' });
    const id = await web.idOf('/filtered/match');
    await row(id).waitFor({ timeout: 5_000 });
    expect(await shownIds()).toEqual([id]);
  } finally {
    matched = true;
    await noise;
  }
});

// Last: it deletes what the tests above recorded.
it('drops the rows `hooktunnel prune` deleted, and says so for the one on show', async () => {
  await send(`${web.listen.url}/prune/old`, { body: 'old' });
  const old = await web.idOf('/prune/old');
  await send(`${web.listen.url}/prune/new`, { body: 'new' });
  const kept = await web.idOf('/prune/new');
  await row(kept).waitFor();
  await row(old).click();
  await page.waitForSelector('pre[data-view="text"]');

  const pruned = await runCli(['prune', '--keep', '1', '--yes', '--db', web.home.db], { env: web.home.env });
  expect(pruned.code).toBe(0);
  await page.waitForSelector(`[data-gone="${old}"]`);
  expect(await page.textContent('#detail')).toBe(`#${old} is no longer in the database (pruned).`);
  await page.waitForFunction((kept) => [...document.querySelectorAll('#rows tr')].map((tr) => tr.getAttribute('data-id')).join() === String(kept), kept);
});

it('forgets the marks of exchanges `hooktunnel prune` deleted: no diff or HAR export of rows that are gone', async () => {
  const marked: number[] = [];
  for (const name of ['a', 'b']) {
    await send(`${web.listen.url}/marked/${name}`, { body: name });
    marked.push(await web.idOf(`/marked/${name}`));
  }
  await send(`${web.listen.url}/marked/kept`, { body: 'kept' });
  const kept = await web.idOf('/marked/kept');
  for (const id of marked) await row(id).locator('input[type="checkbox"]').click();
  await row(kept).click();
  await page.waitForSelector(`#diff:text("diff #${marked[0]} ↔ #${marked[1]}"):not([disabled])`);

  expect((await runCli(['prune', '--keep', '1', '--yes', '--db', web.home.db], { env: web.home.env })).code).toBe(0);
  await page.waitForSelector('#diff:text("diff (mark two: x)")[disabled]');
  await page.waitForSelector('#har:text("export HAR (1 shown)")');
  expect(await page.getAttribute('#har', 'href')).toBe(`/api/export.har?ids=${kept}`);
});
