// Rows of the exchanges table as the views see them: the summary columns and their mapping.

import type { ExchangeSummary, MatchFields, WebhookInfo } from '../exchange.js';

export type Row = Record<string, unknown>;

/** The SQL function (registered by Store) that asks whether a process id is still running. */
export const PID_ALIVE_FUNCTION = 'hooktunnel_pid_alive';

/**
 * The state as every reader shows it: an exchange left pending by a recorder that is gone (kill -9, a crash) is
 * interrupted, as `markInterrupted` would mark it at the next listen start, without waiting for that listen. Pending
 * stays pending while its recorder runs, while an automatic attempt is due, or while a live process (or one whose
 * automatic attempt will be run again) holds its lease. `markInterrupted` writes exactly this, so the two agree.
 */
export const SHOWN_STATE = `(CASE
  WHEN state != 'pending' OR next_attempt_at IS NOT NULL THEN state
  WHEN lease_pid IS NOT NULL AND (max_attempts IS NOT NULL OR ${PID_ALIVE_FUNCTION}(lease_pid)) THEN state
  WHEN ${PID_ALIVE_FUNCTION}(recorder_pid) THEN state
  ELSE 'interrupted' END)`;

/**
 * Over without its whole request body (the SHA-256 is written once the body has all come): failed when the tunnel
 * dropped mid-body, interrupted when listen was killed mid-body. Never delivered whole, so never to be sent as it is.
 */
export const REQUEST_INCOMPLETE = `(request_sha256 IS NULL AND ${SHOWN_STATE} IN ('failed', 'interrupted')) AS request_incomplete`;

export const SUMMARY_COLUMNS = `id, replay_of, delivery_id, url, target, received_at, method, path, request_size,
  status, response_size, duration_ms, state, ${SHOWN_STATE} AS shown_state, error_code, error_message,
  provider, event_type, event_id, verification, verification_reason, verification_problem, duplicate_of, out_of_order, provider_retry,
  queued_reason, sender_status, late_by_ms, attempt_count, max_attempts, next_attempt_at, delivered_after, route, redacted,
  sender_gone_ms, ${REQUEST_INCOMPLETE}`;

export function toSummary(row: Row): ExchangeSummary {
  return {
    id: row.id as number,
    replayOf: (row.replay_of as number | null) ?? null,
    deliveryId: (row.delivery_id as string | null) ?? null,
    url: (row.url as string | null) ?? null,
    target: row.target as string,
    receivedAt: row.received_at as number,
    method: row.method as string,
    path: row.path as string,
    requestSize: row.request_size as number,
    status: (row.status as number | null) ?? null,
    responseSize: (row.response_size as number | null) ?? null,
    durationMs: (row.duration_ms as number | null) ?? null,
    state: (row.shown_state ?? row.state) as ExchangeSummary['state'],
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    route: (row.route as string | null) ?? null,
    ...(row.redacted ? { redacted: JSON.parse(row.redacted as string) as string[] } : {}),
    ...(row.sender_gone_ms !== null && row.sender_gone_ms !== undefined ? { senderGoneAfterMs: row.sender_gone_ms as number } : {}),
    ...deliveryFields(row),
    webhook: row.verification
      ? {
          provider: (row.provider as string | null) ?? null,
          eventType: (row.event_type as string | null) ?? null,
          eventId: (row.event_id as string | null) ?? null,
          verification: row.verification as WebhookInfo['verification'],
          reason: (row.verification_reason as string | null) ?? null,
          ...(row.verification_problem ? { problem: row.verification_problem as WebhookInfo['problem'] } : {}),
          duplicateOf: (row.duplicate_of as number | null) ?? null,
          outOfOrder: row.out_of_order === 1,
          ...(row.provider_retry ? { retry: row.provider_retry as string } : {}),
        }
      : null,
  };
}

/** The columns of MatchFields, as toMatchFields reads them. */
export const MATCH_FIELD_COLUMNS = 'path, method, status, route, url, provider, event_type, verification';

export function toMatchFields(row: Row): MatchFields {
  return {
    path: row.path as string,
    method: row.method as string,
    status: (row.status as number | null) ?? null,
    route: (row.route as string | null) ?? null,
    url: (row.url as string | null) ?? null,
    // As in a summary: no webhook until the request body has been looked at.
    webhook: row.verification
      ? { provider: (row.provider as string | null) ?? null, eventType: (row.event_type as string | null) ?? null, verification: row.verification as WebhookInfo['verification'] }
      : null,
  };
}

/** The "nothing lost" fields of a summary; absent on an ordinary exchange that was never retried. */
function deliveryFields(row: Row): Partial<ExchangeSummary> {
  const fields: Partial<ExchangeSummary> = {};
  if (row.late_by_ms !== null && row.late_by_ms !== undefined) fields.lateByMs = row.late_by_ms as number;
  if (row.queued_reason) fields.sender = { reason: row.queued_reason as 'offline' | 'ack', status: row.sender_status as number };
  if (row.request_incomplete === 1) fields.requestIncomplete = true;
  if ((row.attempt_count as number) > 0) fields.attempts = row.attempt_count as number;
  if (row.max_attempts !== null && row.max_attempts !== undefined) fields.maxAttempts = row.max_attempts as number;
  if (row.next_attempt_at !== null && row.next_attempt_at !== undefined) fields.nextAttemptAt = row.next_attempt_at as number;
  if (row.delivered_after !== null && row.delivered_after !== undefined) fields.deliveredAfter = row.delivered_after as number;
  return fields;
}
