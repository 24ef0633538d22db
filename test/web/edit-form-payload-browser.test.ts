// GitHub posts a hook with the form content type as `payload=<url-encoded JSON>`. The web inspector's edit & replay
// opens the JSON of that field, not the percent-encoded bytes, and sends the edit form-encoded again, re-signed; left
// as shown, the recorded bytes go out. In a real Chromium, against the real `hooktunnel listen`.

import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { send, waitFor } from '../helpers/http.js';
import { openInspector, useListenPage } from './browser.js';

// A browser, a relay, listen and a local app on a 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const SECRET = 'gh-web-form-secret';
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
const JSON_PAYLOAD = '{"action":"opened","number":214,"pull_request":{"title":"Fix a + b & c"}}';

const web = useListenPage({ args: ['--secret', `github=${SECRET}`] });
let page: Page;

beforeEach(async () => {
  page = await openInspector(web.browser, web.inspectorUrl);
});

afterEach(async () => {
  await page?.close();
});

/** A GitHub delivery of a form-content-type hook, sent through the tunnel to `path`; returns its exchange id. */
async function deliverForm(path: string): Promise<{ id: number; body: string }> {
  const body = `payload=${encodeURIComponent(JSON_PAYLOAD)}`;
  const headers = ['Content-Type', 'application/x-www-form-urlencoded', 'X-GitHub-Event', 'pull_request', 'X-GitHub-Delivery', `d-${path}`, 'X-Hub-Signature-256', sign(body)];
  await send(`${web.listen.url}${path}`, { headers, body });
  return { id: await web.idOf(path), body };
}

async function openEditorOn(id: number): Promise<void> {
  await page.click(`tr[data-id="${id}"]`);
  await page.waitForSelector(`.detail-title >> text=#${id}`);
  await page.click('[data-action="edit"]');
  await page.waitForSelector('textarea[name="body"]');
}

async function sendEdit(): Promise<{ body: Buffer; rawHeaders: string[] }> {
  const before = web.app.received.length;
  await page.click('[data-action="send"]');
  return waitFor(() => (web.app.received.length > before ? web.app.received[web.app.received.length - 1] : undefined), 'the edited replay');
}

it('edits the JSON of a form payload and sends it back in that field, re-signed', async () => {
  const { id } = await deliverForm('/gh/form-edit');
  await openEditorOn(id);
  expect(await page.inputValue('textarea[name="body"]')).toBe(JSON_PAYLOAD);
  await page.fill('textarea[name="body"]', JSON_PAYLOAD.replace('"opened"', '"closed"'));
  const got = await sendEdit();
  const fields = [...new URLSearchParams(got.body.toString())];
  expect(fields.map(([name]) => name)).toEqual(['payload']);
  expect(JSON.parse(fields[0][1])).toEqual({ ...JSON.parse(JSON_PAYLOAD), action: 'closed' });
  const signature = got.rawHeaders[got.rawHeaders.findIndex((h) => h.toLowerCase() === 'x-hub-signature-256') + 1];
  expect(signature).toBe(sign(got.body.toString()));
});

it('sends the recorded form bytes when the payload is left as shown', async () => {
  const { id, body } = await deliverForm('/gh/form-unchanged');
  await openEditorOn(id);
  expect(await page.inputValue('textarea[name="body"]')).toBe(JSON_PAYLOAD);
  const got = await sendEdit();
  expect(got.body.toString()).toBe(body);
});
