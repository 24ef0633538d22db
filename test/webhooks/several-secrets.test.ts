// Several secrets for one provider and path: the verdict is the secret's that signed the delivery, and re-signing
// uses that secret, checked here with Stripe's own SDK and Slack's documented formula rather than our own verify.

import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it, vi } from 'vitest';
import { headerValue } from '../../src/exchange.js';
import { stripe } from '../../src/webhooks/providers/stripe.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { resignIfStale, resignWebhook, verifyWebhook } from '../../src/webhooks/verify.js';
import { input, stripeBody } from './support.js';

const FIRST = 'whsec_dashboard_endpoint_secret';
const SECOND = 'whsec_stripe_listen_secret';
const secrets = buildSecrets({ flags: [`stripe=${FIRST}`, `stripe=${SECOND}`] });
const payload = stripeBody();
const TS = 1722860000;

const stripeDelivery = (secret: string, ts = TS, body = payload) =>
  input([['Stripe-Signature', Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: ts })]], body);

/** Stripe's SDK, with the one secret an app would hold; true when it accepts the headers at `nowMs`. */
function stripeAccepts(headers: [string, string][], secret: string, nowMs: number, body = payload): boolean {
  try {
    return Stripe.webhooks.signature!.verifyHeader(body, headerValue(headers, 'stripe-signature')!, secret, 300, undefined, nowMs);
  } catch {
    return false;
  }
}

describe('verifyWebhook with several secrets', () => {
  it('is valid when any one of them signed the delivery', () => {
    expect(verifyWebhook(stripeDelivery(FIRST), secrets, TS * 1000).result).toBe('valid');
    expect(verifyWebhook(stripeDelivery(SECOND), secrets, TS * 1000).result).toBe('valid');
    expect(verifyWebhook(stripeDelivery('whsec_neither'), secrets, TS * 1000).reason).toBe(
      'signature does not match (wrong secret or body modified)',
    );
  });

  it('reports a stale delivery signed with the second secret as stale, not as signed with a wrong secret', () => {
    expect(verifyWebhook(stripeDelivery(SECOND), secrets, (TS + 400) * 1000).reason).toBe(
      'timestamp 400 s old, outside the 300 s tolerance',
    );
  });

  // Every recorded delivery is checked: each secret costs one HMAC of the body, and none is computed twice.
  it('checks each secret once, stale or not', () => {
    const check = vi.spyOn(stripe, 'verify');
    try {
      verifyWebhook(stripeDelivery(FIRST), secrets, TS * 1000);
      expect(check).toHaveBeenCalledTimes(1);
      check.mockClear();
      verifyWebhook(stripeDelivery(SECOND), secrets, (TS + 400) * 1000);
      expect(check).toHaveBeenCalledTimes(2);
    } finally {
      check.mockRestore();
    }
  });

  it('tries every --verify spec naming a header the request carries', () => {
    const body = '{"event":"build.finished"}';
    const twoSpecs = buildSecrets({ verify: ['hmac-sha256:X-Signature:old-key', 'hmac-sha256:X-Signature:new-key'] });
    const signature = createHmac('sha256', 'new-key').update(body).digest('hex');
    expect(verifyWebhook(input([['X-Signature', signature]], body), twoSpecs, 0)).toEqual({ provider: 'hmac', result: 'valid', reason: null });
  });
});

describe('re-signing with several secrets', () => {
  it('signs a replay with the secret the sender used', () => {
    const now = (TS + 3600) * 1000;
    const { headers, resigned } = resignWebhook(stripeDelivery(SECOND), secrets, now);
    expect(resigned).toBe(true);
    expect(stripeAccepts(headers, SECOND, now)).toBe(true);
    expect(stripeAccepts(resignWebhook(stripeDelivery(FIRST), secrets, now).headers, FIRST, now)).toBe(true);
  });

  it('signs an edited body with the secret that signed the original (signedAs), which the edit no longer shows', () => {
    const now = (TS + 3600) * 1000;
    const original = stripeDelivery(SECOND);
    const edited = { ...original, body: Buffer.from(stripeBody('invoice.paid')) };
    const { headers } = resignWebhook(edited, secrets, now, { signedAs: original });
    expect(stripeAccepts(headers, SECOND, now, edited.body.toString())).toBe(true);
  });

  // A secret roll: the sender signs with both, and by the time of the replay the app may check with either.
  it('signs a replay of a Stripe delivery signed during a roll with every secret that signed it, as Stripe does', () => {
    const now = (TS + 3600) * 1000;
    const both = Stripe.webhooks.generateTestHeaderString({ payload, secret: FIRST, timestamp: TS });
    const rolled = input([['Stripe-Signature', `${both},v1=${createHmac('sha256', SECOND).update(`${TS}.${payload}`).digest('hex')}`]], payload);
    const { headers } = resignWebhook(rolled, secrets, now);
    expect([stripeAccepts(headers, FIRST, now), stripeAccepts(headers, SECOND, now)]).toEqual([true, true]);
    // One that only the second signed is re-signed with it alone.
    expect(headerValue(resignWebhook(stripeDelivery(SECOND), secrets, now).headers, 'stripe-signature')!.match(/v1=/g)).toHaveLength(1);
  });

  it('signs a replay or late retry of a Svix delivery signed with the old and the new secret with both', () => {
    const [oldSecret, newSecret] = ['whsec_dGhpcyBpcyB0aGUgb2xkIGtleSBiZWZvcmUgcm90YXRpb24=', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'];
    const svixSecrets = buildSecrets({ config: { svix: [oldSecret, newSecret] } });
    const [id, body] = ['msg_2Lh9KsMzV1', '{"type":"user.updated","data":{"id":"user_1"}}'];
    const signature = (secret: string) => new Webhook(secret).sign(id, new Date(TS * 1000), body);
    const delivery = input([['svix-id', id], ['svix-timestamp', String(TS)], ['svix-signature', `${signature(oldSecret)} ${signature(newSecret)}`]], body);
    const now = (TS + 3600) * 1000;
    const accepts = (headers: [string, string][], secret: string) => {
      try {
        new Webhook(secret).verify(body, Object.fromEntries(headers.map(([name, value]) => [name.replace(/^svix-/, 'webhook-'), value])));
        return true;
      } catch {
        return false;
      }
    };
    // The official library checks against the real clock: sign as of now.
    const replayed = resignWebhook(delivery, svixSecrets, Date.now()).headers;
    expect([accepts(replayed, oldSecret), accepts(replayed, newSecret)]).toEqual([true, true]);
    const late = resignIfStale(delivery, svixSecrets, TS * 1000, now, '/')!;
    expect(headerValue(late, 'svix-signature')!.split(' ')).toHaveLength(2);
  });

  it('re-signs a late delivery with the secret that signed it', () => {
    const now = (TS + 3600) * 1000;
    const headers = resignIfStale(stripeDelivery(SECOND), secrets, TS * 1000, now, '/');
    expect(stripeAccepts(headers!, SECOND, now)).toBe(true);
  });

  it('signs a Slack replay with the second signing secret at the documented v0:timestamp:body', () => {
    const [oldSecret, newSecret] = ['8f742231b10e8888abcd99yyyzzz85a5', '0d1c2b3a49586776a5b4c3d2e1f00f1e'];
    const body = 'command=%2Fdeploy&text=prod';
    const v0 = (secret: string, ts: number) => `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
    const delivery = input([['X-Slack-Request-Timestamp', String(TS)], ['X-Slack-Signature', v0(newSecret, TS)]], body);
    const slackSecrets = buildSecrets({ config: { slack: [oldSecret, newSecret] } });
    const { headers } = resignWebhook(delivery, slackSecrets, (TS + 60) * 1000);
    expect(headers).toEqual([['X-Slack-Request-Timestamp', String(TS + 60)], ['X-Slack-Signature', v0(newSecret, TS + 60)]]);
  });
});
