// How long each provider waits for the app's answer before it counts the delivery failed. Through the tunnel the
// relay waits up to listen's --timeout (30 s), so an app that answers 200 in 7 s looks fine in hooktunnel while
// Shopify gave up at 5 s and will send it again: the exchange says so. A provider that hangs up at its deadline (GitHub
// does) leaves a `sender_gone` exchange just short of it, which says so too, rather than only "the sender closed".
// The figures are those of each provider's webhook docs: Shopify 5 s (HTTPS delivery, then 8 retries over 4 hours),
// Slack 3 s (Events API, then retries with X-Slack-Retry-Num), GitHub 10 s (webhook best practices; GitHub does not
// redeliver a failed delivery by itself: "Handling failed webhook deliveries").

import { formatDuration } from '../duration.js';
import type { ExchangeSummary } from '../exchange.js';
import type { ProviderName } from './provider.js';

interface Deadline {
  answerWithinMs: number;
  /** What the provider does about a delivery it counted failed. */
  then: string;
}

const RETRIES = 'then counts it failed and retries';
const NO_RETRY = "then counts it failed and does not retry (redeliver it from the hook's Recent Deliveries)";

const DEADLINES = new Map<string, Deadline>([
  ['shopify', { answerWithinMs: 5_000, then: RETRIES }],
  ['slack', { answerWithinMs: 3_000, then: RETRIES }],
  ['github', { answerWithinMs: 10_000, then: NO_RETRY }],
] satisfies [ProviderName, Deadline][]);

/**
 * The sender's clock starts before the relay's (connecting, TLS, sending the body), so a sender that hung up at its
 * deadline did so this much short of it by the exchange's duration, or less.
 */
const SENDER_HEAD_START_MS = 1_000;

/**
 * `answered after 7.2s: shopify waits 5s, then counts it failed and retries`, for a delivery (or trigger) the app took
 * longer to answer than its provider waits, and `github hung up after 9.96s: …` for one whose sender left at that
 * deadline; null otherwise, and for replays and requests the relay answered itself.
 */
export function slowAnswerNote(e: ExchangeSummary): string | null {
  const provider = e.webhook?.provider;
  const deadline = provider ? DEADLINES.get(provider) : undefined;
  if (deadline === undefined || e.durationMs === null) return null;
  if (e.replayOf !== null || e.sender !== undefined) return null;
  const waits = `${provider} waits ${formatDuration(deadline.answerWithinMs)}, ${deadline.then}`;
  if (e.errorCode === 'sender_gone') {
    // With the app's late answer recorded, durationMs is the app's time; the sender's is senderGoneAfterMs.
    const hungUpMs = e.senderGoneAfterMs ?? e.durationMs;
    const atDeadline = hungUpMs >= deadline.answerWithinMs - SENDER_HEAD_START_MS;
    if (!atDeadline) return null;
    const answered = e.senderGoneAfterMs !== undefined && e.responseSize !== null ? ` (the app answered ${e.status} after ${formatDuration(e.durationMs)})` : '';
    return `the sender hung up after ${formatDuration(hungUpMs)}${answered}: ${waits}`;
  }
  if (e.durationMs <= deadline.answerWithinMs) return null;
  const waited = e.state === 'failed' ? `no answer after ${formatDuration(e.durationMs)}` : `answered after ${formatDuration(e.durationMs)}`;
  return `${waited}: ${waits}`;
}
