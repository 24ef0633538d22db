// What a simulated sender supplies to `trigger`: its sample events and the request it would send for one.

import { randomBytes } from 'node:crypto';
import type { HeaderPairs } from '../../exchange.js';
import type { BuiltInProviderName } from '../provider.js';

/** A sample event payload; fixtures are plain JSON-shaped objects. */
export type Fixture = Record<string, unknown>;

/** The unsigned request a sender would make; trigger.ts signs it or drops the placeholder signature headers. */
export interface SenderRequest {
  /** In the sender's order, signature headers included with empty values so signing fills them in place. */
  headers: HeaderPairs;
  body: Buffer;
  /** The headers that carry the signature; removed when no secret is known, as the sender omits them then. */
  signatureHeaders: string[];
}

export interface Sender {
  provider: BuiltInProviderName;
  /** Sample events by the provider's own name for them (`invoice.paid`, `pull_request.opened`, `orders/create`). */
  events: Readonly<Record<string, Fixture>>;
  /** The header line that names `event` (`X-Shopify-Topic: refunds/create`), when a header does; else the body does. */
  eventHeader?: (event: string) => string;
  /**
   * Builds the request with fresh ids and timestamps; `event` is already known to be in `events`. `asApp`: as the
   * webhook of a GitHub App sends it (only senders with `appWebhooks` are asked).
   */
  build(event: string, fixture: Fixture, nowMs: number, asApp?: boolean): SenderRequest;
  /** True when the provider's apps have a webhook of their own, whose deliveries differ (`trigger --app`). */
  appWebhooks?: boolean;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random id in the style of Stripe's (`evt_1Pk...`): prefix plus base62 characters. */
export function randomId(prefix: string, length: number): string {
  // 248 is the largest multiple of 62 below 256, so rejecting bytes above it keeps every character equally likely.
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length)) if (byte < 248 && id.length < length) id += BASE62[byte % 62];
  }
  return prefix + id;
}

/** A deep copy, so fresh ids never leak back into the shared fixture. */
export function copy(fixture: Fixture): Fixture {
  return structuredClone(fixture);
}
