// Shopify (no official oracle installed: an independently published HMAC value) and the generic HMAC scheme.

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HmacSpec } from '../../src/webhooks/hmac-spec.js';
import { createHmacProvider } from '../../src/webhooks/providers/hmac.js';
import { shopify } from '../../src/webhooks/providers/shopify.js';
import { input } from './support.js';

describe('shopify', () => {
  // The base64 HMAC-SHA256 published in SQLPage's Shopify webhook example (sqlpage.hmac 'sha256-base64').
  it('verifies a published Shopify-style HMAC value', () => {
    const body = '{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}';
    const delivery = input([['X-Shopify-Hmac-Sha256', 'QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw=']], body);
    expect(shopify.verify(delivery, 'test-webhook-secret', 0).result).toBe('valid');
  });

  it('describes the topic, event id (or webhook id) and triggered-at time', () => {
    const headers: [string, string][] = [
      ['X-Shopify-Topic', 'orders/create'],
      ['X-Shopify-Event-Id', '98880550-7158-44d4-b7cd-2c97c8a091b5'],
      ['X-Shopify-Triggered-At', '2024-08-05T14:41:19.877041743Z'],
    ];
    expect(shopify.describe(input(headers, '{}'))).toEqual({
      eventType: 'orders/create',
      eventId: '98880550-7158-44d4-b7cd-2c97c8a091b5',
      timestamp: Date.parse('2024-08-05T14:41:19.877Z'),
      source: null,
      resource: null,
    });
    // Shopify marks duplicates by X-Shopify-Event-Id: a second delivery of an event has a webhook id of its own.
    const withWebhookId: [string, string][] = [...headers, ['X-Shopify-Webhook-Id', 'b54557e4-bdd9-4b37']];
    expect(shopify.describe(input(withWebhookId, '{}')).eventId).toBe('98880550-7158-44d4-b7cd-2c97c8a091b5');
    const webhookIdOnly: [string, string][] = [['X-Shopify-Topic', 'orders/create'], ['X-Shopify-Webhook-Id', 'b54557e4-bdd9-4b37']];
    expect(shopify.describe(input(webhookIdOnly, '{}')).eventId).toBe('b54557e4-bdd9-4b37');
    expect(shopify.describe(input([['X-Shopify-Triggered-At', 'soon']], '{}')).timestamp).toBeNull();
  });

  it('names the shop and the object an event is about (what its order is judged within)', () => {
    const headers: [string, string][] = [['X-Shopify-Topic', 'orders/paid'], ['X-Shopify-Shop-Domain', 'northern-loom.myshopify.com']];
    const order = shopify.describe(input(headers, '{"id":450789469,"admin_graphql_api_id":"gid://shopify/Order/450789469"}'));
    expect(order).toMatchObject({ source: 'northern-loom.myshopify.com', resource: 'gid://shopify/Order/450789469' });
    // Read from the head of the body as Shopify writes it, or from the whole when the keys come otherwise.
    const reordered = shopify.describe(input(headers, '{\n  "name": "#1001",\n  "admin_graphql_api_id": "gid://shopify/Order/7",\n  "id": 7\n}'));
    expect(reordered.resource).toBe('gid://shopify/Order/7');
    // Without a gid, the topic's resource and the id; without either, nothing (the topic is compared instead).
    expect(shopify.describe(input(headers, '{"id":450789469}')).resource).toBe('orders 450789469');
    expect(shopify.describe(input(headers, '{"shop_id":1}')).resource).toBeNull();
  });
});

describe('generic hmac', () => {
  const body = '{"event":"build.finished","id":991}';
  const spec = (overrides: Partial<HmacSpec> = {}): HmacSpec => ({
    algorithm: 'sha256',
    header: 'X-Signature',
    secret: 's3cret',
    encoding: 'hex',
    ...overrides,
  });
  const digest = (algorithm: string, encoding: 'hex' | 'base64') =>
    createHmac(algorithm, 's3cret').update(body).digest(encoding);

  it.each<[string, Partial<HmacSpec>, string]>([
    ['plain hex', {}, digest('sha256', 'hex')],
    ['upper-case hex', {}, digest('sha256', 'hex').toUpperCase()],
    ['a sha256= prefix', {}, `sha256=${digest('sha256', 'hex')}`],
    ['an upper-case SHA256= prefix', {}, `SHA256=${digest('sha256', 'hex')}`],
    ['base64', { encoding: 'base64' }, digest('sha256', 'base64')],
    ['sha512', { algorithm: 'sha512' }, digest('sha512', 'hex')],
    ['sha1 with its prefix', { algorithm: 'sha1' }, `sha1=${digest('sha1', 'hex')}`],
  ])('accepts %s', (_, overrides, value) => {
    const provider = createHmacProvider(spec(overrides));
    expect(provider.verify(input([['x-signature', value]], body), 's3cret', 0).result).toBe('valid');
  });

  it('rejects a base64 digest where hex was configured', () => {
    const provider = createHmacProvider(spec());
    expect(provider.verify(input([['X-Signature', digest('sha256', 'base64')]], body), 's3cret', 0).result).toBe(
      'invalid',
    );
  });

  it("keeps the sender's prefix when re-signing", () => {
    const provider = createHmacProvider(spec());
    const headers = provider.sign(input([['X-Signature', 'sha256=old']], body), 's3cret', 0);
    expect(headers).toEqual([['X-Signature', `sha256=${digest('sha256', 'hex')}`]]);
  });

  it("keeps the sender's upper-case hex when re-signing, for an app that compares it exactly", () => {
    const provider = createHmacProvider(spec());
    const upper = `SHA256=${digest('sha256', 'hex').toUpperCase()}`;
    const edited = '{"event":"build.failed","id":991}';
    const headers = provider.sign(input([['X-Signature', upper]], edited), 's3cret', 0);
    expect(headers).toEqual([['X-Signature', `SHA256=${createHmac('sha256', 's3cret').update(edited).digest('hex').toUpperCase()}`]]);
    // Lower-case, or no letters to tell by, stays as the digest comes.
    const lower = provider.sign(input([['X-Signature', '0123456789']], edited), 's3cret', 0);
    expect(lower).toEqual([['X-Signature', createHmac('sha256', 's3cret').update(edited).digest('hex')]]);
  });

  it('is detected by its configured header only, and describes nothing', () => {
    const provider = createHmacProvider(spec());
    expect(provider.detect(input([['x-signature', 'abc']], body))).toBe(true);
    expect(provider.detect(input([['X-Other', 'abc']], body))).toBe(false);
    expect(provider.describe(input([], body))).toEqual({ eventType: null, eventId: null, timestamp: null });
  });
});
