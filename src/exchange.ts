// The recorded exchange: one request and what became of it. Shared by the store, the CLI output and the TUI.

import { isUtf8 } from 'node:buffer';
import type { HeaderPairs } from './protocol.js';

export type { HeaderPairs };

/** pending: forwarded, no answer yet; complete: the local app answered; failed: hooktunnel answered with an error;
 * interrupted: the recording process stopped before an answer arrived. */
export type ExchangeState = 'pending' | 'complete' | 'failed' | 'interrupted';

/**
 * What is wrong with an invalid signature, for a program to act on rather than read the reason's words:
 * too_old / too_new: it matches, but its signed timestamp is outside the window (signing afresh makes it acceptable);
 * repeated_header: a header the check reads came more than once, which no sender does (see src/webhooks/verify.ts).
 */
export type VerificationProblem = 'too_old' | 'too_new' | 'repeated_header';

/** What hooktunnel worked out about a webhook delivery: who sent it, which event, and whether its signature holds. */
export interface WebhookInfo {
  /** stripe, github, shopify, slack, standard, twilio, hmac; null when no provider was recognised. */
  provider: string | null;
  eventType: string | null;
  eventId: string | null;
  verification: 'valid' | 'invalid' | 'unchecked';
  /** Why the signature is not valid or was not checked; null when valid. */
  reason: string | null;
  /** What is wrong, as a code the hints and programs act on instead of `reason`'s words; absent for any other verdict. */
  problem?: VerificationProblem;
  /** The first exchange that carried the same provider event id: this delivery is a duplicate of it. */
  duplicateOf: number | null;
  /** The provider's timestamp is older than one already seen from that provider. */
  outOfOrder: boolean;
  /**
   * Why the provider sent it again, as its headers say: Slack's `retry 1: http_timeout`. Absent for a first delivery,
   * a replay, and providers whose retries do not say (GitHub's Redeliver, Stripe's).
   */
  retry?: string;
}

/** What the list views need: everything but the bodies. */
export interface ExchangeSummary {
  id: number;
  /** The exchange this one replays, if it is a replay. */
  replayOf: number | null;
  /** Relay-assigned delivery id (null for replays and triggers). */
  deliveryId: string | null;
  /** The public URL the sender used, when it came through a tunnel. */
  url: string | null;
  /** Where it was forwarded: origin plus base path. */
  target: string;
  receivedAt: number;
  method: string;
  path: string;
  requestSize: number;
  status: number | null;
  responseSize: number | null;
  durationMs: number | null;
  state: ExchangeState;
  errorCode: string | null;
  errorMessage: string | null;
  /** The `hooktunnel.yml` route that took it (its path prefix); absent or null when listen ran without routes. */
  route?: string | null;
  /** Redaction rules that took something out before it was stored (`header:authorization`); absent when none did. */
  redacted?: string[];
  /** Set once the request body is complete and has been looked at. */
  webhook?: WebhookInfo | null;
  /** Delivered from the relay's queue this long after the relay received it (the client was away). */
  lateByMs?: number;
  /** This attempt went to the app signed afresh: the sender's signature had aged past its provider's window. */
  resigned?: true;
  /** The relay answered the sender itself: why (client away, or acknowledge mode) and with which status. */
  sender?: { reason: 'offline' | 'ack'; status: number };
  /** Attempts made to deliver it to the local app, when it was retried or queued. */
  attempts?: number;
  /** Automatic attempts allowed. */
  maxAttempts?: number;
  /** A pending automatic retry is due then (epoch ms). */
  nextAttemptAt?: number;
  /**
   * Out of order: an exchange received later (this id) reached the app first, because this one was being retried.
   * Retries do not hold back later deliveries, as webhook providers do not promise order either.
   */
  deliveredAfter?: number;
  /**
   * The sender hung up this long after the exchange began, while the app was still at it (its request had all come):
   * the forward went on, and what the app then did is recorded all the same (status, headers, exact body; `durationMs`
   * is the app's time), with `errorCode` sender_gone. Absent when the sender stayed, or left before the whole request came.
   */
  senderGoneAfterMs?: number;
  /** It failed before the whole request body arrived (e.g. the tunnel dropped mid-body): the local app never got it whole. */
  requestIncomplete?: true;
}

/**
 * The columns of a summary that `--match` path, method, status, provider, event, route and verified read: enough for
 * `wait` to rule an exchange out before it reads its headers and bodies.
 */
export type MatchFields = Pick<ExchangeSummary, 'path' | 'method' | 'status' | 'route' | 'url'> & {
  webhook?: Pick<WebhookInfo, 'provider' | 'eventType' | 'verification'> | null;
};

/** One attempt at delivering an exchange to the local app (queued deliveries, retries, `hooktunnel retry`). */
export interface AttemptRecord {
  attempt: number;
  startedAt: number;
  /** auto: the first delivery or an automatic retry; manual: `hooktunnel retry`. */
  trigger: 'auto' | 'manual';
  status: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  durationMs: number | null;
  /** Sent signed afresh: the sender's signature had aged past its provider's window. */
  resigned: boolean;
}

/** A whole exchange with headers and exact bytes. */
export interface Exchange extends ExchangeSummary {
  requestHeaders: HeaderPairs;
  requestBody: Buffer;
  requestSha256: string | null;
  responseHeaders: HeaderPairs | null;
  responseBody: Buffer | null;
  responseSha256: string | null;
  /** The body the relay answered the sender with, when it answered itself. */
  senderBody?: Buffer | null;
  /** Every attempt, oldest first; empty for an exchange delivered once, live. */
  attemptHistory?: AttemptRecord[];
}

/** The documented JSON body shape: UTF-8 text when the bytes are valid UTF-8, base64 otherwise. */
export interface JsonBody {
  encoding: 'utf8' | 'base64';
  data: string;
}

export function bodyToJson(bytes: Buffer): JsonBody {
  return isUtf8(bytes)
    ? { encoding: 'utf8', data: bytes.toString('utf8') }
    : { encoding: 'base64', data: bytes.toString('base64') };
}

/** The one JSON shape of an exchange used by `ls --json`, `show --json` and `--json` events. */
export function exchangeToJson(e: ExchangeSummary | Exchange): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: e.id,
    replayOf: e.replayOf,
    deliveryId: e.deliveryId,
    url: e.url,
    target: e.target,
    route: e.route ?? null,
    redacted: e.redacted ?? [],
    receivedAt: new Date(e.receivedAt).toISOString(),
    method: e.method,
    path: e.path,
    status: e.status,
    durationMs: e.durationMs,
    state: e.state,
    error: e.errorCode ? { code: e.errorCode, message: e.errorMessage } : null,
    webhook: e.webhook ?? null,
    // false: it failed with its body cut off (the tunnel dropped mid-request), so `size` counts only what arrived; null while pending.
    request: { size: e.requestSize, complete: e.state === 'pending' ? null : !e.requestIncomplete } as Record<string, unknown>,
    response: e.status === null ? null : ({ size: e.responseSize } as Record<string, unknown>),
    lateByMs: e.lateByMs ?? null,
    sender: e.sender ?? null,
    attempts: e.attempts ?? 0,
    nextAttemptAt: e.nextAttemptAt === undefined ? null : new Date(e.nextAttemptAt).toISOString(),
    deliveredAfter: e.deliveredAfter ?? null,
    // Only on the event of the attempt that was re-signed (listen, retry); `show --json`'s attemptHistory keeps it.
    ...(e.resigned && { resigned: true }),
    // Only when the sender hung up before the app answered: error.code is sender_gone, status and response the app's.
    ...(e.senderGoneAfterMs !== undefined && { senderGoneAfterMs: e.senderGoneAfterMs }),
  };
  if ('requestBody' in e) {
    if (e.senderBody && json.sender) Object.assign(json.sender as object, { body: bodyToJson(e.senderBody) });
    json.attemptHistory = attemptsToJson(e.attemptHistory);
    Object.assign(json.request as object, { headers: e.requestHeaders, body: bodyToJson(e.requestBody), sha256: e.requestSha256 });
    if (json.response && e.responseHeaders) {
      Object.assign(json.response as object, {
        headers: e.responseHeaders,
        body: bodyToJson(e.responseBody ?? Buffer.alloc(0)),
        sha256: e.responseSha256,
      });
    }
  }
  return json;
}

/** Attempts as JSON shows them (`startedAt` as an ISO date). */
export function attemptsToJson(attempts: AttemptRecord[] = []): Record<string, unknown>[] {
  return attempts.map((a) => ({ ...a, startedAt: new Date(a.startedAt).toISOString() }));
}

/** Case-insensitive lookup of the first header with this name. */
export function headerValue(headers: HeaderPairs, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [n, v] of headers) if (n.toLowerCase() === lower) return v;
  return undefined;
}
