// Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`, keyed with the app's client secret.
// https://shopify.dev/docs/apps/build/webhooks/subscribe/https ("Validate the origin of your webhook")
// Duplicates: https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates

import { headerValue } from '../../exchange.js';
import { setHeader } from '../../http-headers.js';
import type { Provider } from '../provider.js';
import { MISMATCH, hmac, invalid, malformedHeader, missingHeader, safeEqual, valid } from '../signing.js';

const HEADER = 'X-Shopify-Hmac-Sha256';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isoToMs(value: string | undefined): number | null {
  const ms = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Shopify app webhooks. The signature has no timestamp, so there is no freshness window to check. */
export const shopify: Provider = {
  name: 'shopify',

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
