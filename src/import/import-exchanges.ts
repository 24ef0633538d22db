// Records imported requests (and their answers) in the store as ordinary exchanges: replayable, listed, matched.

import type { Store } from '../store/store.js';
import { analyzeWebhook } from '../webhooks/analyze.js';
import { asStoredRedacted } from '../webhooks/redacted-verdict.js';
import type { Secrets } from '../webhooks/secrets.js';
import type { ImportedExchange } from './har-read.js';

/**
 * Writes each exchange, oldest first as given; returns the new ids. Provider, event and signature are examined as on
 * arrival. A replay whose original came before it in the archive (as `export --har` writes them, in recorded order)
 * is linked to the original's new id; one whose original is not in the archive is imported as an ordinary exchange,
 * since the id it names belongs to another store (or to another exchange in this one).
 */
export function importExchanges(store: Store, exchanges: ImportedExchange[], secrets: Secrets): number[] {
  const ids: number[] = [];
  // Exported id → the id it was imported as.
  const newIds = new Map<number, number>();
  for (const item of exchanges) {
    const originalId = item.exported?.replayOf;
    const replayOf = originalId === undefined || originalId === null ? null : (newIds.get(originalId) ?? null);
    const recording = store.begin({
      // A delivery id is unique in the store: importing the same archive twice must not collide.
      deliveryId: null,
      replayOf,
      url: item.url,
      target: item.target,
      route: item.route,
      receivedAt: item.receivedAt,
      method: item.method,
      path: item.path,
      headers: item.headers,
      // A body cut off mid-way is stored as one that stopped arriving (no SHA-256), so it is never taken for whole.
      ...(item.incomplete ? {} : { body: item.body }),
      redacted: item.redacted,
    });
    if (item.incomplete) {
      recording.appendRequestBody(item.body);
      recording.abandonRequestBody();
      const { error } = item.incomplete;
      if (error) recording.fail(item.response?.status ?? 502, error.code, error.message, item.durationMs);
      else recording.interrupt(item.durationMs);
    } else {
      if (item.response) {
        recording.respond(item.response.status, item.response.headers);
        recording.appendResponseBody(item.response.body);
      }
      if (item.failure) recording.fail(item.failure.status, item.failure.code, item.failure.message, item.durationMs);
      else if (item.response) recording.complete(item.durationMs);
      else recording.interrupt(item.durationMs);
    }
    const id = recording.id;
    if (item.exported) newIds.set(item.exported.id, id);
    // Checked against the time it was received, so a signature's age is judged as it was then. A replay repeats its
    // original on purpose: no duplicate or out-of-order mark, as when it was recorded.
    // An archive written by `export --redact` holds [REDACTED] where signed values were: a failed check is no verdict.
    const checked = analyzeWebhook({ headers: item.headers, body: item.body, url: item.url }, secrets, item.receivedAt, item.path);
    const analysis = asStoredRedacted(checked, item.redacted, replayOf !== null);
    store.recordAnalysis(id, analysis, { url: item.url, isReplay: replayOf !== null });
    ids.push(id);
  }
  store.writes.commitBatch();
  return ids;
}

