// verifyWebhook and resignWebhook: provider and secret selection, and replays that the official libraries accept.

import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange.js';
import { headerValue } from '../../src/exchange.js';
import { buildSecrets, NO_SECRETS } from '../../src/webhooks/secrets.js';
import { resignIfStale, resignWebhook, verifyWebhook, webhookInputFromExchange } from '../../src/webhooks/verify.js';
import { input, stripeBody } from './support.js';

const STRIPE_SECRET = 'whsec_5f1b3c9d0e2a4f6b8c0d1e3f5a7b9c1d';
const TS = 1722860000;
const NOW = TS * 1000;
const payload = stripeBody();
const stripeDelivery = (url: string | null = null) =>
  input(
    [['Stripe-Signature', Stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp: TS })]],
    payload,
    url,
  );

describe('verifyWebhook', () => {
  it('verifies with the secret configured for the detected provider', () => {
    const secrets = buildSecrets({ flags: [`stripe=${STRIPE_SECRET}`] });
    const verdict = verifyWebhook(stripeDelivery(), secrets, NOW);
    expect(verdict).toEqual({ provider: 'stripe', result: 'valid', reason: null });
  });

  it('leaves a recognised delivery unchecked when no secret is configured', () => {
    expect(verifyWebhook(stripeDelivery(), NO_SECRETS, NOW)).toEqual({
      provider: 'stripe',
      result: 'unchecked',
      reason: 'no secret configured for stripe',
    });
  });

  it('leaves an unrecognised delivery unchecked, naming --verify headers it looked for', () => {
    const plain = input([['Content-Type', 'application/json']], '{}');
    expect(verifyWebhook(plain, NO_SECRETS, NOW)).toEqual({
      provider: null,
      result: 'unchecked',
      reason: 'no known webhook provider recognised',
    });
    const secrets = buildSecrets({ verify: ['hmac-sha256:X-Signature:k'] });
    expect(verifyWebhook(plain, secrets, NOW).reason).toBe(
      'no known webhook provider recognised, and no X-Signature header',
    );
  });

  it('picks a per-path secret from options.path, or else from the URL path', () => {
    const secrets = buildSecrets({ flags: ['stripe=whsec_wrong', `stripe:/pay/stripe=${STRIPE_SECRET}`] });
    expect(verifyWebhook(stripeDelivery(), secrets, NOW).result).toBe('invalid');
    expect(verifyWebhook(stripeDelivery(), secrets, NOW, { path: '/pay/stripe?x=1' }).result).toBe('valid');
    const viaUrl = stripeDelivery('https://t1.hooktunnel.example/pay/stripe');
    expect(verifyWebhook(viaUrl, secrets, NOW).result).toBe('valid');
  });

  it('passes the tolerance through', () => {
    const secrets = buildSecrets({ flags: [`stripe=${STRIPE_SECRET}`] });
    const later = (TS + 3600) * 1000;
    expect(verifyWebhook(stripeDelivery(), secrets, later).reason).toBe(
      'timestamp 3600 s old, outside the 300 s tolerance',
    );
    expect(verifyWebhook(stripeDelivery(), secrets, later, { toleranceSec: Infinity }).result).toBe('valid');
  });

  it('lets a --verify spec whose header is present win over built-in detection', () => {
    const body = '{"ok":true}';
    const signature = createHmac('sha256', 'k').update(body).digest('hex');
    const delivery = input([['Stripe-Signature', 't=1,v1=00'], ['X-Signature', signature]], body);
    const secrets = buildSecrets({ verify: ['hmac-sha256:X-Signature:k'] });
    expect(verifyWebhook(delivery, secrets, NOW)).toEqual({ provider: 'hmac', result: 'valid', reason: null });
  });

  it('refuses a repeated timestamp or id header too: the signed string is built from it', () => {
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const body = '{"type":"event_callback"}';
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${TS}:${body}`).digest('hex')}`;
    const delivery = input([['X-Slack-Request-Timestamp', String(TS)], ['X-Slack-Signature', signature], ['X-Slack-Request-Timestamp', String(TS + 60)]], body);
    expect(verifyWebhook(delivery, buildSecrets({ flags: [`slack=${secret}`] }), NOW)).toMatchObject({
      result: 'invalid',
      reason: expect.stringMatching(/^X-Slack-Request-Timestamp sent twice: /),
      problem: 'repeated_header',
    });
  });
});

describe('resignIfStale', () => {
  it('does not sign afresh a stale delivery whose signature header came twice: that would make a forgery pass', () => {
    const secrets = buildSecrets({ flags: [`stripe=${STRIPE_SECRET}`] });
    const later = (TS + 3600) * 1000;
    expect(resignIfStale(stripeDelivery(), secrets, NOW, later, '/')).toBeDefined();
    const doubled = stripeDelivery();
    doubled.headers.push(['Stripe-Signature', 't=1,v1=00']);
    expect(resignIfStale(doubled, secrets, NOW, later, '/')).toBeUndefined();
  });
});

describe('resignWebhook', () => {
  it('re-signs a Stripe delivery so that stripe.webhooks.constructEvent accepts it now', () => {
    const secrets = buildSecrets({ env: { HOOKTUNNEL_SECRET_STRIPE: STRIPE_SECRET } });
    const now = Date.now();
    const { headers, resigned } = resignWebhook(stripeDelivery(), secrets, now);
    expect(resigned).toBe(true);
    const event = Stripe.webhooks.constructEvent(payload, headerValue(headers, 'stripe-signature')!, STRIPE_SECRET);
    expect(event.id).toBe('evt_test_1');
  });

  it("re-signs a Slack delivery to the documented formula at the new time", () => {
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const body = 'command=%2Fdeploy&text=prod&trigger_id=1.2.3';
    const delivery = input(
      [
        ['Content-Type', 'application/x-www-form-urlencoded'],
        ['X-Slack-Request-Timestamp', '1531420618'],
        ['X-Slack-Signature', 'v0=stale'],
      ],
      body,
    );
    const now = 1722860000_500;
    const { headers } = resignWebhook(delivery, buildSecrets({ flags: [`slack=${secret}`] }), now);
    const expected = `v0=${createHmac('sha256', secret).update(`v0:1722860000:${body}`).digest('hex')}`;
    expect(headers).toEqual([
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['X-Slack-Request-Timestamp', '1722860000'],
      ['X-Slack-Signature', expected],
    ]);
  });

  it('re-signs a Standard Webhooks delivery so that the official Webhook.verify accepts it now', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"type":"email.delivered","data":{"email_id":"4ef9a417"}}';
    const old = Math.floor(Date.now() / 1000) - 86_400;
    const delivery = input(
      [
        ['Webhook-Id', 'msg_2b7J1x'],
        ['Webhook-Timestamp', String(old)],
        ['Webhook-Signature', new Webhook(secret).sign('msg_2b7J1x', new Date(old * 1000), body)],
      ],
      body,
    );
    const { headers } = resignWebhook(delivery, buildSecrets({ config: { svix: secret } }), Date.now());
    expect(() => new Webhook(secret).verify(body, Object.fromEntries(delivery.headers))).toThrow();
    expect(new Webhook(secret).verify(body, Object.fromEntries(headers))).toEqual(JSON.parse(body));
  });

  it.each([
    ['no secret is known', stripeDelivery(), NO_SECRETS, 'no secret configured for stripe'],
    ['no provider is recognised', input([], '{}'), NO_SECRETS, 'no known webhook provider recognised'],
    [
      'Twilio has no public URL',
      input([['X-Twilio-Signature', 'x']], 'a=b'),
      buildSecrets({ flags: ['twilio=12345'] }),
      'public URL unknown, and Twilio signs the full URL the sender used',
    ],
    [
      'the Standard Webhooks secret is not base64',
      input([['webhook-id', 'm'], ['webhook-timestamp', '1'], ['webhook-signature', 'v1,x']], '{}'),
      buildSecrets({ flags: ['standard=whsec_not base64'] }),
      'secret for standard is not whsec_<base64 key>',
    ],
  ])('returns the headers unchanged when %s', (_, delivery, secrets, reason) => {
    expect(resignWebhook(delivery, secrets, NOW)).toEqual({ headers: delivery.headers, resigned: false, reason });
  });
});

describe('webhookInputFromExchange', () => {
  it('takes the request headers, body and public URL', () => {
    const exchange = {
      requestHeaders: [['a', 'b']],
      requestBody: Buffer.from('x'),
      url: 'https://t.example/p',
    } as unknown as Exchange;
    expect(webhookInputFromExchange(exchange)).toEqual({
      headers: [['a', 'b']],
      body: Buffer.from('x'),
      url: 'https://t.example/p',
    });
  });
});
