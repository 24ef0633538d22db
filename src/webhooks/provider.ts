// The contract every webhook provider module implements: detect, describe, verify and (re)sign one delivery.

import type { HeaderPairs, VerificationProblem } from '../exchange.js';

/** Every provider hooktunnel knows: `standard` is Standard Webhooks (Svix), `hmac` the user-configured scheme. */
export type ProviderName = 'stripe' | 'github' | 'shopify' | 'slack' | 'standard' | 'twilio' | 'hmac';

/** Providers with a fixed scheme, which take a plain secret; `hmac` is configured by a spec instead. */
export type BuiltInProviderName = Exclude<ProviderName, 'hmac'>;

/** The parts of one HTTP request a signature can cover. */
export interface WebhookInput {
  /** Raw header pairs, case, order and duplicates as received. */
  headers: HeaderPairs;
  /** The exact body bytes; signatures are always checked over these, never over re-serialised JSON. */
  body: Buffer;
  /** The full URL the sender used (scheme, host, path, query). Only Twilio signs it; null when unknown. */
  url: string | null;
}

/** What a delivery says about itself; null wherever the provider does not say. */
export interface WebhookDescription {
  eventType: string | null;
  eventId: string | null;
  /** When the provider says the event happened or was sent, epoch milliseconds. */
  timestamp: number | null;
  /**
   * Whose event it is, where one endpoint hears several: the Shopify shop, the Slack workspace, the Stripe connected
   * account. Absent where the provider does not say (order-scope.ts).
   */
  source?: string | null;
  /** The object the event is about, where the payload names it: a Stripe `pi_…`, a Shopify order's gid. */
  resource?: string | null;
  /**
   * Why the provider sends this delivery again, where its headers say: Slack's `retry 1: http_timeout` (from
   * X-Slack-Retry-Num and -Reason). Absent where the provider does not say (GitHub's Redeliver, Stripe's retries).
   */
  retry?: string | null;
  /** Whether the event is from the provider's live mode (Stripe's `livemode`); absent where the provider does not say. */
  live?: boolean | null;
  /** The API version the payload is shaped by (Stripe's `api_version`); absent where the provider does not say. */
  apiVersion?: string | null;
}

/**
 * valid: the signature matches the secret (and the timestamp is fresh);
 * invalid: it does not, or the headers are missing or malformed;
 * unchecked: nothing to check against (no provider recognised, no secret, or the URL a scheme needs is unknown).
 */
export type VerificationResult = 'valid' | 'invalid' | 'unchecked';

export interface Verification {
  /** null when no provider was recognised. */
  provider: ProviderName | null;
  result: VerificationResult;
  /** Why it is not valid, in words a user can act on; null when valid. */
  reason: string | null;
  /** Set for the problems VerificationProblem lists; absent for any other verdict (a mismatch, a missing header...). */
  problem?: VerificationProblem;
}

/** Default replay window, the 300 s that Stripe, Slack and Standard Webhooks all use. */
export const DEFAULT_TOLERANCE_SEC = 300;

export interface Provider {
  name: ProviderName;
  /**
   * Every header `verify` reads a signature, timestamp or id from. Each may come once: verifyWebhook refuses a request
   * that repeats one before asking `verify`, which reads the first copy only.
   */
  signedHeaders: readonly string[];
  /** True when the headers carry this provider's fingerprint (e.g. a Stripe-Signature header). */
  detect(input: WebhookInput): boolean;
  /** Event type, id and time as the provider states them; never throws, whatever the body holds. */
  describe(input: WebhookInput): WebhookDescription;
  /**
   * Checks the signature against `secret`. Never throws. `toleranceSec` bounds the age of signed timestamps
   * (default {@link DEFAULT_TOLERANCE_SEC}); pass Infinity to re-check an old recording on its signature alone.
   * The signature is checked before the age, so `too_old` / `too_new` always means this secret signed it: with
   * several secrets, verify.ts tells the one that signed a stale delivery from a wrong one by that alone.
   */
  verify(input: WebhookInput, secret: string, nowMs: number, toleranceSec?: number): Verification;
  /**
   * Signs the delivery afresh for a replay: returns a copy of the headers with the signature (and signed timestamp,
   * set from `nowMs`) replaced at the same position with the same name casing, appended when absent.
   * Throws only when signing is impossible: a secret the scheme cannot use, Twilio without the public URL, or a Twilio
   * JSON body that no longer matches the bodySHA256 its signed URL carries.
   */
  sign(input: WebhookInput, secret: string, nowMs: number): HeaderPairs;
  /**
   * As `sign`, with one signature per secret in the one header, in the order given: only schemes whose header carries
   * a list do (Stripe's `v1=` per active secret, Standard Webhooks' space-separated `v1,` entries), as their senders
   * sign with the old and the new secret at once while one is rolled.
   */
  signMany?(input: WebhookInput, secrets: readonly string[], nowMs: number): HeaderPairs;
}
