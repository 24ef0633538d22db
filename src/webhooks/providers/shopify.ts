// Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`, keyed with the app's client secret.
// https://shopify.dev/docs/apps/build/webhooks/subscribe/https ("Validate the origin of your webhook")
// Duplicates: https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates

import { headerValue } from '../../exchange.js';
import { setHeader } from '../../http-headers.js';
import { parseJsonObject, type JsonObject } from '../body.js';
import type { Provider } from '../provider.js';
import { MISMATCH, hmac, invalid, malformedHeader, missingHeader, safeEqual, valid } from '../signing.js';

const HEADER = 'X-Shopify-Hmac-Sha256';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

// Shopify writes a resource's `id` and `admin_graphql_api_id` first: read from the head of the body, the gid costs no
// parse of the whole (30-50 us for a 7 KB order, on every delivery). Anchored at the start: top-level keys only.
const HEAD_GID = /^\s*\{\s*"id"\s*:\s*\d+\s*,\s*"admin_graphql_api_id"\s*:\s*"(gid:\/\/shopify\/\w+\/\d+)"/;
const HEAD_BYTES = 200;

/**
 * The object a payload is about: its `admin_graphql_api_id` (gid://shopify/Order/450789469), or the topic's resource
 * and `id` (orders 450789469) where a payload has no gid.
 */
function resourceOf(body: Buffer, topic: string | undefined): string | null {
  const head = HEAD_GID.exec(body.subarray(0, HEAD_BYTES).toString('latin1'));
  if (head) return head[1];
  return resourceOfPayload(parseJsonObject(body), topic);
}

function resourceOfPayload(payload: JsonObject | null, topic: string | undefined): string | null {
  const gid = payload?.admin_graphql_api_id;
  if (typeof gid === 'string') return gid;
  const id = payload?.id;
  return topic && (typeof id === 'number' || typeof id === 'string') ? `${topic.split('/')[0]} ${id}` : null;
}

function isoToMs(value: string | undefined): number | null {
  const ms = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Shopify app webhooks. The signature has no timestamp, so there is no freshness window to check. */
export const shopify: Provider = {
  name: 'shopify',
  signedHeaders: [HEADER],

  detect: (input) =>
    headerValue(input.headers, 'X-Shopify-Topic') !== undefined || headerValue(input.headers, HEADER) !== undefined,

  describe(input) {
    const header = (name: string) => headerValue(input.headers, name);
    return {
      eventType: header('X-Shopify-Topic') ?? null,
      // Shopify's rule for duplicates: the same X-Shopify-Event-Id on more than one webhook (a retry, or a second
      // delivery of the event, which comes with a webhook id of its own). Webhook-Id serves senders without it.
      eventId: header('X-Shopify-Event-Id') ?? header('X-Shopify-Webhook-Id') ?? null,
      timestamp: isoToMs(header('X-Shopify-Triggered-At')),
      // One app hears every shop that installed it, on one endpoint.
      source: header('X-Shopify-Shop-Domain') ?? null,
      resource: resourceOf(input.body, header('X-Shopify-Topic')),
    };
  },

  verify(input, secret) {
    const value = headerValue(input.headers, HEADER)?.trim();
    if (value === undefined) return missingHeader('shopify', HEADER);
    if (!BASE64.test(value)) return malformedHeader('shopify', HEADER, '<base64 signature>');
    return safeEqual(hmac('sha256', secret, [input.body], 'base64'), value)
      ? valid('shopify')
      : invalid('shopify', MISMATCH);
  },

  sign: (input, secret) => setHeader(input.headers, HEADER, hmac('sha256', secret, [input.body], 'base64')),
};
