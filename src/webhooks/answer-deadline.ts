// How long each provider waits for the app's answer before it counts the delivery failed and retries. Through the
// tunnel the relay waits up to listen's --timeout (30 s), so an app that answers 200 in 7 s looks fine in hooktunnel
// while Shopify gave up at 5 s and will send it again: the exchange says so.
// The figures are those of each provider's webhook docs: Shopify 5 s (HTTPS delivery, then 8 retries over 4 hours),
// Slack 3 s (Events API, then retries with X-Slack-Retry-Num), GitHub 10 s (webhook best practices).

import { formatDuration } from '../duration.js';
import type { ExchangeSummary } from '../exchange.js';
import type { ProviderName } from './provider.js';

const ANSWER_WITHIN_MS = new Map<string, number>([['shopify', 5_000], ['slack', 3_000], ['github', 10_000]] satisfies [ProviderName, number][]);

/**
 * `answered after 7.2s: shopify waits 5s, then counts it failed and retries`, for a delivery (or trigger) the app took
 * longer to answer than its provider waits; null otherwise, and for replays and requests the relay answered itself.
 */
export function slowAnswerNote(e: ExchangeSummary): string | null {
  const provider = e.webhook?.provider;
  const limit = provider ? ANSWER_WITHIN_MS.get(provider) : undefined;
  if (limit === undefined || e.durationMs === null || e.durationMs <= limit) return null;
  if (e.replayOf !== null || e.sender !== undefined) return null;
  const waited = e.state === 'failed' ? `no answer after ${formatDuration(e.durationMs)}` : `answered after ${formatDuration(e.durationMs)}`;
  return `${waited}: ${provider} waits ${formatDuration(limit)}, then counts it failed and retries`;
}
