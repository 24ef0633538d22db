// Through the tunnel the relay waits up to listen's --timeout (30 s) for the app, but Shopify gives up after 5 s (Slack
// after 3, GitHub after 10) and sends the delivery again: an app answering 200 in 7 s looked fine in hooktunnel. The
// exchange says the provider counted it failed, in `show` (and the log line, the TUI's detail, from the same note).
// GitHub hangs up at its 10 s and never sends the delivery again by itself: its exchanges say that.

import { afterAll, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { runCli, tempHome } from '../helpers/cli.js';

const home = tempHome();
afterAll(() => home.cleanup());

/**
 * A recorded delivery of `provider` the app answered 200 after `durationMs` (or whose sender hung up then, with
 * `senderGone`); a replay of #1 when `replayOf`.
 */
function recordAnswered(provider: string, durationMs: number, replayOf: number | null = null, senderGone = false): number {
  const store = Store.open(home.db);
  try {
    const recording = store.begin(exchangeStart({ replayOf }));
    if (senderGone) {
      recording.fail(499, 'sender_gone', 'the sender closed the connection', durationMs);
    } else {
      recording.respond(200, []);
      recording.complete(durationMs);
    }
    store.recordAnalysis(recording.id, { provider, eventType: 'orders/create', eventId: null, eventAt: null, orderScope: null, verification: 'valid', reason: null }, { url: exchangeStart().url });
    return recording.id;
  } finally {
    store.close();
  }
}

const show = async (id: number) => (await runCli(['show', String(id), '--db', home.db], { env: { ...home.env, NO_COLOR: '1' } })).stdout;

it('says when the app answered later than its provider waits, and not when it was in time or a replay', async () => {
  const slow = recordAnswered('shopify', 7_200);
  const inTime = recordAnswered('shopify', 4_900);
  const slowReplay = recordAnswered('shopify', 7_200, slow);
  const slowStripe = recordAnswered('stripe', 7_200);
  expect(await show(slow)).toContain('answered after 7.2s: shopify waits 5.0s, then counts it failed and retries');
  for (const id of [inTime, slowReplay, slowStripe]) expect(await show(id)).not.toContain('counts it failed');
});

it('says a GitHub delivery answered late, or hung up on at its 10 s, is failed for GitHub and not sent again by it', async () => {
  const late = recordAnswered('github', 12_000);
  // The relay's clock starts after GitHub's: it sees GitHub hang up at its 10 s a little before 10 s.
  const hungUp = recordAnswered('github', 9_955, null, true);
  const leftEarly = recordAnswered('github', 2_000, null, true);
  const lateText = await show(late);
  expect(lateText).toContain("answered after 12.0s: github waits 10.0s, then counts it failed and does not retry (redeliver it from the hook's Recent Deliveries)");
  expect(await show(hungUp)).toContain('the sender hung up after 10.0s: github waits 10.0s, then counts it failed and does not retry');
  expect(await show(leftEarly)).not.toContain('github waits');
});

it("says when Slack's sender gave up at about its 3 s (counted from before the relay's clock), not well before", async () => {
  // Slack's timer starts before the relay's: gone at 3 s by Slack's clock is 2.97 s here.
  const atDeadline = recordAnswered('slack', 2_965, null, true);
  const early = recordAnswered('slack', 400, null, true);
  expect(await show(atDeadline)).toContain('the sender hung up after 3.0s: slack waits 3.0s, then counts it failed and retries');
  expect(await show(early)).not.toContain('counts it failed');
});

/** A GitHub delivery whose sender hung up at `goneMs` and whose app answered 200 at `answeredMs`, as listen records it. */
function recordAnsweredAfterHangUp(goneMs: number, answeredMs: number): number {
  const store = Store.open(home.db);
  try {
    const recording = store.begin(exchangeStart());
    recording.senderGone(goneMs);
    recording.respond(200, []);
    recording.fail(499, 'sender_gone', 'the sender closed the connection at …; the app answered 200 at …', answeredMs);
    store.recordAnalysis(recording.id, { provider: 'github', eventType: 'push', eventId: null, eventAt: null, orderScope: null, verification: 'valid', reason: null }, { url: exchangeStart().url });
    return recording.id;
  } finally {
    store.close();
  }
}

it("says when GitHub hung up, not when the app's late answer came, and what that answer was", async () => {
  const hungUp = recordAnsweredAfterHangUp(9_955, 12_000);
  const leftEarly = recordAnsweredAfterHangUp(2_000, 12_000);
  expect(await show(hungUp)).toContain('the sender hung up after 10.0s (the app answered 200 after 12.0s): github waits 10.0s, then counts it failed');
  expect(await show(leftEarly)).not.toContain('github waits');
});
