// Records imported requests (and their answers) in the store as ordinary exchanges: replayable, listed, matched.

import type { Store } from '../store/store.js';
import { analyzeWebhook } from '../webhooks/analyze.js';
import type { Secrets } from '../webhooks/secrets.js';
import type { ImportedExchange } from './har-read.js';

/** Writes each exchange, oldest first as given; returns the new ids. Provider, event and signature are examined as on arrival. */
export function importExchanges(store: Store, exchanges: ImportedExchange[], secrets: Secrets): number[] {
  const ids: number[] = [];
  for (const item of exchanges) {
    const recording = store.begin({
      // A delivery id is unique in the store: importing the same archive twice must not collide.
      deliveryId: null,
      replayOf: null,
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
    // Checked against the time it was received, so a signature's age is judged as it was then.
    store.recordAnalysis(id, analyzeWebhook({ headers: item.headers, body: item.body, url: item.url }, secrets, item.receivedAt, item.path));
    ids.push(id);
  }
  store.writes.commitBatch();
  return ids;
}

