// Stripe against the official `stripe` library: multiple v1 signatures, verdicts that agree with verifyHeader,
// and re-signed headers that constructEvent accepts.

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripe } from '../../src/webhooks/providers/stripe.js';
import { input, stripeBody } from './support.js';

const SECRET = 'whsec_5f1b3c9d0e2a4f6b8c0d1e3f5a7b9c1d';
const OTHER = 'whsec_rolled0ver0secret0a1b2c3d4e5f6';
const TS = 1722860000;
const NOW = (TS + 10) * 1000;
const payload = stripeBody();
const v1 = (secret: string) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: TS }).split(',v1=')[1];

function verifyWith(header: string) {
  return stripe.verify(input([['Stripe-Signature', header]], payload), SECRET, NOW);
}

function officialAccepts(header: string): boolean {
  try {
    return Stripe.webhooks.signature!.verifyHeader(payload, header, SECRET, 300, undefined, NOW);
  } catch {
    return false;
  }
}

describe('stripe', () => {
  it("is recognised by Stripe's User-Agent when the signature header is missing, and then fails the check", () => {
    const unsigned = input([['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)']], payload);
    expect(stripe.detect(unsigned)).toBe(true);
    expect(stripe.verify(unsigned, SECRET, NOW)).toMatchObject({ result: 'invalid' });
    expect(stripe.verify(unsigned, SECRET, NOW).reason).toContain('Stripe-Signature');
    expect(stripe.detect(input([['User-Agent', 'curl/8.5.0']], payload))).toBe(false);
  });

  it('accepts a header with several v1 signatures when any one matches (secret roll)', () => {
    expect(verifyWith(`t=${TS},v1=${v1(OTHER)},v1=${v1(SECRET)}`).result).toBe('valid');
    expect(verifyWith(`t=${TS},v1=${v1(SECRET)},v1=${v1(OTHER)},v0=6ffbb59b2300aae63f272406069a9788`).result).toBe(
      'valid',
    );
    expect(verifyWith(`t=${TS},v1=${v1(OTHER)},v1=${'0'.repeat(64)}`).reason).toBe(
      'signature does not match (wrong secret or body modified)',
    );
  });

  it('calls a header with only v0 signatures malformed', () => {
    expect(verifyWith(`t=${TS},v0=${v1(SECRET)}`).reason).toBe(
      'malformed header Stripe-Signature (expected t=<unix seconds>,v1=<hex signature>)',
    );
  });

  it.each([
    `t=${TS},v1=${v1(SECRET)}`,
    `t=${TS},v1=${v1(OTHER)}`,
    `t=${TS},v1=${v1(OTHER)},v1=${v1(SECRET)}`,
    `t=${TS + 1},v1=${v1(SECRET)}`,
    `t=${TS - 400},v1=${v1(SECRET)}`,
    `v1=${v1(SECRET)},t=${TS}`,
    `t=${TS},v1=${v1(SECRET).toUpperCase()}`,
    `t=${TS},v1=${v1(SECRET).slice(0, -2)}`,
    `t=${TS},v1=`,
    `t=abc,v1=${v1(SECRET)}`,
    // Stripe splits on ',' and '=' exactly: whitespace around an item makes it another key, or another signature.
    `t=${TS}, v1=${v1(SECRET)}`,
    `t=${TS},v1 =${v1(SECRET)}`,
    `t=${TS},v1= ${v1(SECRET)}`,
    ` t=${TS},v1=${v1(SECRET)}`,
    `t= ${TS},v1=${v1(SECRET)}`,
    'garbage',
    '',
  ])('agrees with stripe.webhooks.signature.verifyHeader on %s', (header) => {
    expect(verifyWith(header).result === 'valid').toBe(officialAccepts(header));
  });

  it('re-signs so that stripe.webhooks.constructEvent accepts the replay', () => {
    const original = input(
      [
        ['Content-Type', 'application/json; charset=utf-8'],
        ['stripe-signature', `t=${TS},v1=${v1(SECRET)}`],
        ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
      ],
      payload,
    );
    const later = Date.now();
    const headers = stripe.sign(original, SECRET, later);
    expect(headers[1][0]).toBe('stripe-signature');
    const event = Stripe.webhooks.constructEvent(original.body, headers[1][1], SECRET, 300, undefined, later);
    expect(event.type).toBe('payment_intent.succeeded');
    expect(() => Stripe.webhooks.constructEvent(original.body, headers[1][1], OTHER)).toThrow();
  });

  it('describes the event from its JSON: type, id and created (as epoch ms), the object it is about', () => {
    expect(stripe.describe(input([['Stripe-Signature', 'x']], payload))).toEqual({
      eventType: 'payment_intent.succeeded',
      eventId: 'evt_test_1',
      timestamp: 1722860000_000,
      source: null,
      resource: 'pi_1',
      live: null,
      apiVersion: null,
    });
    // `livemode` and `api_version` as Stripe sends them: a live event on a development tunnel is worth saying.
    const live = JSON.stringify({ ...JSON.parse(payload), livemode: true, api_version: '2024-06-20' });
    expect(stripe.describe(input([['Stripe-Signature', 'x']], live))).toMatchObject({ live: true, apiVersion: '2024-06-20' });
    // A Connect platform's endpoint hears its connected accounts' events: `account` says whose.
    const connect = JSON.stringify({ ...JSON.parse(payload), account: 'acct_1Abc' });
    expect(stripe.describe(input([['Stripe-Signature', 'x']], connect)).source).toBe('acct_1Abc');
  });
});
