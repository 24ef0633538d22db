// Small builders shared by the webhook tests.

import type { HeaderPairs } from '../../src/exchange.js';
import type { WebhookInput } from '../../src/webhooks/provider.js';

export function input(headers: HeaderPairs, body: string | Buffer, url: string | null = null): WebhookInput {
  return { headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body), url };
}

/** The same bytes with one byte changed (the middle one by default). */
export function flipByte(body: Buffer, index = Math.floor(body.length / 2)): Buffer {
  const copy = Buffer.from(body);
  copy[index] ^= 0x01;
  return copy;
}

/** The headers with every header of this name given a new value, or dropped when value is null. */
export function replaceHeader(headers: HeaderPairs, name: string, value: string | null): HeaderPairs {
  const lower = name.toLowerCase();
  const kept = headers.filter(([n]) => n.toLowerCase() !== lower || value !== null);
  return kept.map(([n, v]) => [n, n.toLowerCase() === lower ? value! : v]);
}

/** A Stripe-shaped JSON event body, pretty-printed the way Stripe sends it. */
export function stripeBody(type = 'payment_intent.succeeded', created = 1722860000): string {
  const event = { id: 'evt_test_1', object: 'event', created, type, data: { object: { id: 'pi_1', amount: 4900 } } };
  return JSON.stringify(event, null, 2);
}
