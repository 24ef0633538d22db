// With several secrets, each HMAC a check needs is computed once per body: finding the secret that signed a delivery,
// judging it with that secret and re-signing with it used to hash the same bytes again each time.

import Stripe from 'stripe';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { resignIfStale, verifyWebhook } from '../../src/webhooks/verify.js';
import { input, stripeBody } from './support.js';

// Counts the HMACs src/ computes; Stripe's SDK (outside the test's module graph) signs with the real one.
const { createHmac } = vi.hoisted(() => ({ createHmac: vi.fn() }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  createHmac.mockImplementation((...args: Parameters<typeof actual.createHmac>) => actual.createHmac(...args));
  return { ...actual, createHmac };
});

const SECRETS = ['whsec_dashboard_endpoint', 'whsec_stripe_listen', 'whsec_rotated_in'];
const secrets = buildSecrets({ flags: SECRETS.map((secret) => `stripe=${secret}`) });
const payload = stripeBody();
const TS = 1722860000;
const delivery = (secret: string) =>
  input([['Stripe-Signature', Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: TS })]], payload);

// A block, not `() => createHmac.mockClear()`: a function returned from beforeEach is run as its teardown.
beforeEach(() => {
  createHmac.mockClear();
});

describe('HMACs per check with three secrets', () => {
  it('verify: one per secret tried, none again for the verdict', () => {
    expect(verifyWebhook(delivery(SECRETS[2]), secrets, TS * 1000).result).toBe('valid');
    expect(createHmac).toHaveBeenCalledTimes(3);
    // Nothing is kept from one check to the next: the same delivery checked again is hashed again.
    createHmac.mockClear();
    expect(verifyWebhook(delivery(SECRETS[2]), secrets, (TS + 400) * 1000)).toMatchObject({ result: 'invalid', problem: 'too_old' });
    expect(createHmac).toHaveBeenCalledTimes(3);
  });

  it('a late delivery re-signed: the checks now and at arrival share their digests; only the new signature is more', () => {
    const now = (TS + 3600) * 1000;
    expect(resignIfStale(delivery(SECRETS[1]), secrets, TS * 1000, now, '/')).toBeDefined();
    // The first two secrets tried (the second signed it), then the new signature.
    expect(createHmac).toHaveBeenCalledTimes(3);
  });
});
