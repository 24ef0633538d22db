// GitHub waits 10 s for an answer, then hangs up, counts the delivery failed and never sends it again by itself. The
// web inspector says so on such an exchange, in the words `show`, the log line and the TUI use, in a real Chromium.

import { beforeAll, expect, it, vi } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { useInspectorPage } from './browser.js';

// A browser on a loaded 2-core machine: room to be slow.
vi.setConfig({ testTimeout: 60_000 });

/**
 * A GitHub push whose sender hung up after `durationMs` (the app had not answered); or, with `answeredMs`, one whose
 * app answered 200 then, recorded as listen records it. Returns its id.
 */
function recordHungUp(store: Store, durationMs: number, answeredMs?: number): number {
  const recording = store.begin(exchangeStart({ headers: [['X-GitHub-Event', 'push']] }));
  if (answeredMs === undefined) {
    recording.fail(499, 'sender_gone', 'the sender closed the connection', durationMs);
  } else {
    recording.senderGone(durationMs);
    recording.respond(200, [['Content-Type', 'text/plain']]);
    recording.appendResponseBody(Buffer.from('handled, late'));
    recording.fail(499, 'sender_gone', 'the sender closed the connection at 10.0s; the app answered 200 at 12.3s, recorded here but never sent', answeredMs);
  }
  const analysis = { provider: 'github', eventType: 'push', eventId: null, eventAt: null, orderScope: null, verification: 'valid', reason: null } as const;
  store.recordAnalysis(recording.id, analysis, { url: exchangeStart().url });
  return recording.id;
}

const web = useInspectorPage({
  name: 'slow-answer',
  seed: async (store) => {
    recordHungUp(store, 9_955); // #1: GitHub's 10 s, as the relay's later-started clock saw it
    recordHungUp(store, 1_200); // #2: the sender left early, for its own reasons
    recordHungUp(store, 10_002, 12_300); // #3: GitHub hung up, the app answered after
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

it("shows the app's answer that came after GitHub hung up, and that the sender had gone, in the list and the detail", async () => {
  expect(await web.page.textContent('tr[data-id="3"] .marks')).toContain('sender gone 10.0s');
  // The app's 200 is shown, in the failed colour: the sender never got it.
  expect(await web.page.getAttribute('tr[data-id="3"] td.status', 'class')).toBe('status status-f');
  await web.page.click('tr[data-id="3"]');
  await web.page.waitForSelector('.detail-title >> text=#3');
  expect(await web.page.textContent('[data-mark="slow-answer"]')).toBe(
    "the sender hung up after 10.0s (the app answered 200 after 12.3s): github waits 10.0s, then counts it failed and does not retry (redeliver it from the hook's Recent Deliveries)",
  );
  expect(await web.page.textContent('[data-result]')).toContain('the app answered 200 at 12.3s, recorded here but never sent');
});
