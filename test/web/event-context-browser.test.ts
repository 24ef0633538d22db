// The web inspector's page in a real Chromium: beside a Stripe event it says `live mode` (a mark, as the page's other
// warnings) and the API version, from what the server's exchange JSON carries; after a signature that does not match,
// how to give a rolled secret's old one, as `show` and the TUI say both.

import { beforeAll, expect, it, vi } from 'vitest';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { MISMATCH } from '../../src/webhooks/signing.js';
import { stripe } from '../../src/webhooks/providers/stripe.js';
import { useInspectorPage } from './browser.js';
import { record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const HINT = 'if you rolled the secret, give the old one too: --secret stripe=<old> --secret stripe=<new> (or a list in hooktunnel.yml)';
const LIVE_EVENT = JSON.stringify({ id: 'evt_1L', object: 'event', api_version: '2024-06-20', livemode: true, type: 'charge.refunded', created: 1722860000, data: { object: { id: 'ch_1' } } });

const web = useInspectorPage({
  name: 'event-context',
  seed: async (store, app) => {
    // Signed with the old and the new secret during a rotation (`v1=…,v1=…`); this run knows neither.
    const body = Buffer.from(LIVE_EVENT);
    const headers = stripe.signMany!({ headers: [['Content-Type', 'application/json']], body, url: null }, ['whsec_old', 'whsec_new'], Date.now());
    await record(store, app.url, { path: '/stripe', headers, body }, buildSecrets({ flags: ['stripe=whsec_other'] })); // #1
  },
});

beforeAll(async () => {
  await web.page.click('tr[data-id="1"]');
  await web.page.waitForSelector('[data-signature="invalid"]');
}, 60_000);

it('says live mode as a mark beside the event, then the API version', async () => {
  expect(await web.page.getAttribute('[data-event-context="live mode"]', 'class')).toBe('mark');
  expect((await web.page.textContent('[data-event-context="live mode"]'))?.trim()).toBe('live mode');
  expect((await web.page.textContent('[data-event-context="api"]'))?.trim()).toBe('api 2024-06-20');
});

it('follows "signature does not match" with the rotation hint', async () => {
  expect(await web.page.textContent('[data-signature="invalid"] .reason')).toBe(`: ${MISMATCH} (${HINT})`);
});
