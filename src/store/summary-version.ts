// How a follower of the store (StoreWatcher) tells one version of an exchange's row from another, and an older one from
// a newer one, when it hears of the same exchange twice: once from the process that recorded it, once read back.

import type { ExchangeSummary } from '../exchange.js';

/** Every field a reader shows, in one order. `resigned` is left out: it lives in memory and in the attempts table only. */
const SHOWN_FIELDS = [
  'id', 'replayOf', 'deliveryId', 'url', 'target', 'receivedAt', 'method', 'path', 'requestSize', 'status', 'responseSize',
  'durationMs', 'state', 'errorCode', 'errorMessage', 'route', 'redacted', 'lateByMs', 'sender', 'attempts', 'maxAttempts',
  'nextAttemptAt', 'deliveredAfter', 'requestIncomplete', 'senderGoneAfterMs',
] as const satisfies readonly (keyof ExchangeSummary)[];
const WEBHOOK_FIELDS = ['provider', 'eventType', 'eventId', 'verification', 'reason', 'duplicateOf', 'outOfOrder', 'retry'] as const;

/**
 * The row as a reader sees it, as one string: equal for the summary the recording process built in memory and the row
 * read back (whose objects have other key orders, and null where the other has nothing).
 */
export function summaryPrint(row: ExchangeSummary): string {
  const webhook = row.webhook ? WEBHOOK_FIELDS.map((field) => row.webhook![field]) : null;
  const sender = row.sender ? [row.sender.reason, row.sender.status] : null;
  return JSON.stringify([...SHOWN_FIELDS.map((field) => (field === 'sender' ? sender : (row[field] ?? null))), webhook]);
}

/**
 * Is `read` (a row read back from the store) an older version of the exchange its recording process `announced`? Then
 * it is a read of writes that process has not committed yet (held in memory while another process holds the lock).
 * Attempt counts only grow, and an exchange goes back to pending only for a new attempt, which counts the ones before
 * it first (an exchange delivered once, live, becomes attempt 1 when it is retried).
 */
export function isOlderThan(read: ExchangeSummary, announced: ExchangeSummary): boolean {
  const announcedAttempts = announced.attempts ?? 0;
  const readAttempts = read.attempts ?? 0;
  if (readAttempts < announcedAttempts) return true;
  return announced.state !== 'pending' && read.state === 'pending' && readAttempts < Math.max(announcedAttempts, 1);
}
