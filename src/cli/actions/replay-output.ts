// What `replay` prints for each result and at the end: answered replays on stdout, failures as one line on stderr
// (a JSON object with --json), and a summary after a bulk replay.

import { chalkStderr } from 'chalk';
import { exchangeToJson, type ExchangeSummary } from '../../exchange.js';
import { logLine } from '../../output/exchange-text.js';
import { jsonText } from '../../output/json-text.js';
import { sanitize } from '../../sanitize.js';
import { deliveryFailure } from '../../delivery/delivery-failure.js';
import { writeDeliveryFailureJson } from '../delivery-failure-json.js';
import { isPastWindow } from '../../webhooks/signing.js';

/**
 * Prints one replay's result. An answered replay (any status) is a line on stdout; one that never got an answer is
 * an error line on stderr. With --json every replay is a JSON line on stdout, and a failure adds a JSON error on
 * stderr, so stdout stays one exchange per line.
 */
export function printResult(exchange: ExchangeSummary, json: boolean): void {
  const failure = deliveryFailure(exchange);
  if (json) {
    process.stdout.write(`${jsonText(exchangeToJson(exchange))}\n`);
    if (failure) writeDeliveryFailureJson(failure, { replayOf: exchange.replayOf, id: exchange.id });
    return;
  }
  if (!failure) {
    process.stdout.write(`${logLine(exchange)}\n`);
    return;
  }
  process.stderr.write(`${chalkStderr.red('error:')} replay of #${exchange.replayOf} failed: ${sanitize(failure.message)}${failure.hint ? ` (${failure.hint})` : ''}\n`);
}

/** `gone`: exchanges deleted between the check and their turn, counted as not delivered. */
export function summarize(results: ExchangeSummary[], gone = 0): string {
  const count = (test: (e: ExchangeSummary) => boolean) => results.filter(test).length;
  const failed = count((e) => e.state === 'failed') + gone;
  const ok = count((e) => e.state === 'complete' && (e.status ?? 0) < 400);
  const errors = count((e) => e.state === 'complete' && (e.status ?? 0) >= 400);
  return `replayed ${results.length + gone}: ${ok} answered 2xx/3xx, ${errors} answered 4xx/5xx, ${failed} not delivered`;
}

/**
 * What to do when replays went out with their recorded signature and the provider's window has left it behind
 * (Stripe's libraries refuse a timestamp over 5 minutes old, so the app answers 400): `--resign`. Null when none did.
 */
export function staleSignatureHint(results: ExchangeSummary[]): string | null {
  const stale = results.filter((e) => isPastWindow(e.webhook?.problem) && e.replayOf !== null);
  if (stale.length === 0) return null;
  const originals = [...new Set(stale.map((e) => e.replayOf))];
  const which = originals.length === 1 ? `#${originals[0]}'s signature is` : `the signatures of ${originals.map((id) => `#${id}`).join(', ')} are`;
  const why = stale.length === 1 ? ` (${sanitize(stale[0].webhook!.reason!)})` : '';
  return `${which} outside the provider's window now${why}: an app that checks it refuses the replay; \`hooktunnel replay ${originals.join(' ')} --resign\` signs ${originals.length === 1 ? 'it' : 'them'} afresh with your secret`;
}
