// A Stripe webhook in an inspector that has no Stripe secret, in a real Chromium: where the page says the signature
// was not checked, or a replay was not re-signed, for want of a secret, it says how to give one, as `hooktunnel show`,
// `replay --resign` and the TUI do.

import { beforeAll, expect, it, vi } from 'vitest';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { useInspectorPage } from './browser.js';
import { record } from './support.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

const HINT = 'set --secret stripe=… or HOOKTUNNEL_SECRET_STRIPE';

const web = useInspectorPage({
  name: 'no-secret',
  replayToApp: true,
  secrets: buildSecrets({ flags: [] }),
  seed: async (store, app) => {
    // Signed by Stripe with a secret this run was not given.
    const delivery = buildTriggerRequest('stripe', 'invoice.paid', { secrets: buildSecrets({ flags: ['stripe=whsec_elsewhere'] }), nowMs: Date.now(), path: '/stripe' });
    await record(store, app.url, { path: '/stripe', headers: delivery.headers, body: delivery.body }, buildSecrets({ flags: [] })); // #1
  },
});

beforeAll(async () => {
  await web.page.click('tr[data-id="1"]');
  await web.page.waitForSelector('[data-signature="unchecked"]');
}, 60_000);

it('follows "not checked: no secret configured" with how to give one', async () => {
  expect(await web.page.textContent('[data-signature="unchecked"] .value')).toBe(`not checked: no secret configured for stripe (${HINT})`);
});

it('follows "not re-signed: no secret configured" after a replay with how to give one', async () => {
  await web.page.click('[data-action="replay-resigned"]');
  await web.page.waitForSelector('#message >> text=replayed as');
  expect(await web.page.textContent('#message')).toBe(`#1 replayed as #2: 200, not re-signed: no secret configured for stripe (${HINT})`);
});
