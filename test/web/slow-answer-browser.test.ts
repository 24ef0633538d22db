// GitHub waits 10 s for an answer, then hangs up, counts the delivery failed and never sends it again by itself. The
// web inspector says so on such an exchange, in the words `show`, the log line and the TUI use, in a real Chromium.

import { beforeAll, expect, it, vi } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { useInspectorPage } from './browser.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

/** A GitHub push whose sender hung up after `durationMs` (the app had not answered); returns its id. */
function recordHungUp(store: Store, durationMs: number): number {
  const recording = store.begin(exchangeStart({ headers: [['X-GitHub-Event', 'push']] }));
  recording.fail(499, 'sender_gone', 'the sender closed the connection', durationMs);
  const analysis = { provider: 'github', eventType: 'push', eventId: null, eventAt: null, orderScope: null, verification: 'valid', reason: null } as const;
  store.recordAnalysis(recording.id, analysis, { url: exchangeStart().url });
  return recording.id;
}

const web = useInspectorPage({
  name: 'slow-answer',
  seed: async (store) => {
    recordHungUp(store, 9_955); // #1: GitHub's 10 s, as the relay's later-started clock saw it
    recordHungUp(store, 1_200); // #2: the sender left early, for its own reasons
  },
});

beforeAll(async () => {
  await web.page.click('tr[data-id="1"]');
  await web.page.waitForSelector('[data-mark="slow-answer"]');
}, 60_000);

it('says GitHub hung up at its 10 s and does not retry', async () => {
  expect(await web.page.textContent('[data-mark="slow-answer"]')).toBe(
    "the sender hung up after 10.0s: github waits 10.0s, then counts it failed and does not retry (redeliver it from the hook's Recent Deliveries)",
  );
});

it('says nothing of the deadline for a sender that left well before it', async () => {
  await web.page.click('tr[data-id="2"]');
  await web.page.waitForSelector('.detail-title >> text=#2');
  expect(await web.page.locator('[data-mark="slow-answer"]').count()).toBe(0);
});
