// The inspector page in headless Chromium shows which hooktunnel.yml route took an exchange, and that it was stored
// redacted, in the list and in the detail.

import { expect, it, vi } from 'vitest';
import { parseRedactRule } from '../../src/redact/redact.js';
import { useInspectorPage } from './browser.js';
import { record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const web = useInspectorPage({
  name: 'routes-page',
  store: { redact: [parseRedactRule('header:authorization')] },
  seed: async (store, app) => {
    await record(store, `${app.url}/base`, { path: '/stripe/events', headers: [['Authorization', 'Bearer sk_live_1']], body: '{}', route: '/stripe' }); // #1
  },
});

it('marks the route and the redaction in the list row and the detail', async () => {
  const row = web.page.locator('tr[data-id="1"]');
  await row.waitFor();
  expect(await row.locator('.marks').textContent()).toBe('→ /stripe redacted');
  await row.click();
  await web.page.waitForSelector('[data-route]');
  expect(await web.page.textContent('[data-route] .value')).toBe(`${web.app.url}/base  (route /stripe)`);
  expect(await web.page.textContent('[data-redacted] .value')).toBe('header:authorization');
  expect(await web.page.textContent('table[data-headers="request"]')).toContain('[REDACTED]');
});
