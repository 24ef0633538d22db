// Provider detection from headers and the one-call description used by list views.

import { describe, expect, it } from 'vitest';
import type { HeaderPairs } from '../../src/exchange.js';
import { describeWebhook, detectProvider } from '../../src/webhooks/detect.js';
import { input, stripeBody } from './support.js';

describe('detectProvider', () => {
  it.each<[HeaderPairs, string | null]>([
    [[['stripe-signature', 't=1,v1=a']], 'stripe'],
    [[['X-GitHub-Event', 'ping']], 'github'],
    [[['X-Hub-Signature-256', 'sha256=ab']], 'github'],
    [[['X-Shopify-Topic', 'orders/create']], 'shopify'],
    [[['X-Shopify-Hmac-Sha256', 'abc=']], 'shopify'],
    [[['X-Slack-Signature', 'v0=ab']], 'slack'],
    [[['X-Slack-Request-Timestamp', '1531420618']], 'slack'],
    [[['X-Twilio-Signature', 'abc=']], 'twilio'],
    [[['webhook-id', 'msg_1'], ['webhook-timestamp', '1']], 'standard'],
    [[['Svix-Signature', 'v1,abc']], 'standard'],
    [[['Content-Type', 'application/json'], ['User-Agent', 'curl/8.5.0']], null],
    [[], null],
  ])('%j → %s', (headers, expected) => {
    expect(detectProvider(input(headers, '{}'))?.name ?? null).toBe(expected);
  });
});

describe('describeWebhook', () => {
  it('combines the provider with what it says about the event', () => {
    const delivery = input([['Stripe-Signature', 't=1,v1=0']], stripeBody('invoice.paid', 1722866300));
    expect(describeWebhook(delivery)).toEqual({
      provider: 'stripe',
      eventType: 'invoice.paid',
      eventId: 'evt_test_1',
      timestamp: 1722866300_000,
      source: null,
      resource: 'pi_1',
      live: null,
      apiVersion: null,
    });
  });

  it('answers nulls for an unknown sender', () => {
    expect(describeWebhook(input([['X-Custom', '1']], '{"type":"x"}'))).toEqual({
      provider: null,
      eventType: null,
      eventId: null,
      timestamp: null,
    });
  });

  it('does not parse a huge body just to label it', () => {
    const huge = Buffer.from(JSON.stringify({ type: 'big.event', pad: 'x'.repeat(3 * 1024 * 1024) }));
    expect(describeWebhook(input([['Stripe-Signature', 't=1,v1=0']], huge)).eventType).toBeNull();
  });
});
