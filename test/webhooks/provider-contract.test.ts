// The same table of cases for every provider: valid, wrong secret, one modified byte, the tolerance edge,
// missing and malformed headers, length-mismatched signatures, re-signing, and hostile bodies.

import { createHmac } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { headerValue, type HeaderPairs } from '../../src/exchange.js';
import type { Provider, WebhookInput } from '../../src/webhooks/provider.js';
import { createHmacProvider } from '../../src/webhooks/providers/hmac.js';
import { github } from '../../src/webhooks/providers/github.js';
import { shopify } from '../../src/webhooks/providers/shopify.js';
import { slack } from '../../src/webhooks/providers/slack.js';
import { standardWebhooks } from '../../src/webhooks/providers/standard-webhooks.js';
import { stripe } from '../../src/webhooks/providers/stripe.js';
import { twilio } from '../../src/webhooks/providers/twilio.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';
import { flipByte, input, replaceHeader, stripeBody } from './support.js';

interface ContractCase {
  provider: Provider;
  secret: string;
  signatureHeader: string;
  /** True when the signature covers a timestamp that must be fresh. */
  timestamped: boolean;
  /** A delivery signed at `timestampSec` by the official library, or by the documented formula where there is none. */
  signed(timestampSec: number): Promise<WebhookInput>;
  /** A value for the signature header that is structurally wrong, for schemes that have a structure. */
  malformed?: string;
}

const TS = 1722860000;
const json = (value: unknown) => JSON.stringify(value);
const TWILIO_URL = 'https://abc123.hooktunnel.example/twilio/sms?account=7';
const TWILIO_FORM = 'AccountSid=AC0123&Body=Hello+there%21&From=%2B14155550100&MessageSid=SM0123&SmsStatus=received';

const cases: ContractCase[] = [
  {
    provider: stripe,
    secret: 'whsec_5f1b3c9d0e2a4f6b8c0d1e3f5a7b9c1d',
    signatureHeader: 'Stripe-Signature',
    timestamped: true,
    malformed: 'v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
    async signed(ts) {
      const payload = stripeBody();
      const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.secret, timestamp: ts });
      return input([['Content-Type', 'application/json; charset=utf-8'], ['Stripe-Signature', header]], payload);
    },
  },
  {
    provider: github,
    secret: "It's a Secret to Everybody",
    signatureHeader: 'X-Hub-Signature-256',
    timestamped: false,
    malformed: '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    async signed() {
      const payload = json({ action: 'opened', issue: { number: 215 }, repository: { full_name: 'acme/fleet' } });
      const signature = await octokitSign(this.secret, payload);
      return input(
        [
          ['X-GitHub-Event', 'issues'],
          ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
          ['X-Hub-Signature-256', signature],
        ],
        payload,
      );
    },
  },
  {
    provider: shopify,
    secret: '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',
    signatureHeader: 'X-Shopify-Hmac-Sha256',
    timestamped: false,
    malformed: 'not base64!',
    async signed() {
      const payload = json({ id: 5893241618598, name: '#1047', total_price: '143.66' });
      const hmac = createHmac('sha256', this.secret).update(payload).digest('base64');
      return input([['X-Shopify-Topic', 'orders/create'], ['X-Shopify-Hmac-Sha256', hmac]], payload);
    },
  },
  {
    provider: slack,
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    signatureHeader: 'X-Slack-Signature',
    timestamped: true,
    malformed: 'a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    async signed(ts) {
      const payload = json({ type: 'event_callback', event_id: 'Ev08MFMKH6', event: { type: 'app_mention' } });
      const signature = `v0=${createHmac('sha256', this.secret).update(`v0:${ts}:${payload}`).digest('hex')}`;
      return input([['X-Slack-Request-Timestamp', String(ts)], ['X-Slack-Signature', signature]], payload);
    },
  },
  {
    provider: standardWebhooks,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    signatureHeader: 'webhook-signature',
    timestamped: true,
    malformed: 'v1a:abc',
    async signed(ts) {
      const payload = json({ type: 'user.created', data: { id: 'user_29w83sxmDNGwOuEthce5gg56FcC' } });
      const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
      const signature = new Webhook(this.secret).sign(id, new Date(ts * 1000), payload);
      return input(
        [['webhook-id', id], ['webhook-timestamp', String(ts)], ['webhook-signature', signature]],
        payload,
      );
    },
  },
  {
    provider: twilio,
    secret: '12345',
    signatureHeader: 'X-Twilio-Signature',
    timestamped: false,
    async signed() {
      // The documented formula: URL, then each form key and value in key order, HMAC-SHA1, base64.
      const params = [...new URLSearchParams(TWILIO_FORM)].sort(([a], [b]) => (a < b ? -1 : 1));
      const data = TWILIO_URL + params.map(([k, v]) => k + v).join('');
      const signature = createHmac('sha1', this.secret).update(data).digest('base64');
      return input(
        [['Content-Type', 'application/x-www-form-urlencoded'], ['X-Twilio-Signature', signature]],
        TWILIO_FORM,
        TWILIO_URL,
      );
    },
  },
  {
    provider: createHmacProvider({ algorithm: 'sha256', header: 'X-Signature', secret: 'unused', encoding: 'hex' }),
    secret: 'custom-secret',
    signatureHeader: 'X-Signature',
    timestamped: false,
    async signed() {
      const payload = json({ event: 'build.finished', id: 991 });
      return input([['X-Signature', createHmac('sha256', this.secret).update(payload).digest('hex')]], payload);
    },
  },
];

const NOW = (TS + 5) * 1000;

describe.each(cases)('$provider.name', (c) => {
  it('accepts a delivery signed with the right secret', async () => {
    expect(c.provider.verify(await c.signed(TS), c.secret, NOW)).toEqual({
      provider: c.provider.name,
      result: 'valid',
      reason: null,
    });
  });

  it('rejects the wrong secret', async () => {
    const wrong = c.secret.slice(0, -1) + (c.secret.endsWith('A') ? 'B' : 'A');
    const verdict = c.provider.verify(await c.signed(TS), wrong, NOW);
    expect(verdict.result).toBe('invalid');
    expect(verdict.reason).toMatch(/^signature does not match \(wrong (secret|auth token)/);
  });

  it('rejects a body with one byte changed', async () => {
    const delivery = await c.signed(TS);
    const verdict = c.provider.verify({ ...delivery, body: flipByte(delivery.body) }, c.secret, NOW);
    expect(verdict).toMatchObject({ result: 'invalid', reason: expect.stringMatching(/body modified/) });
  });

  it('reports a missing signature header by name', async () => {
    const delivery = await c.signed(TS);
    const headers = replaceHeader(delivery.headers, c.signatureHeader, null);
    expect(c.provider.verify({ ...delivery, headers }, c.secret, NOW)).toEqual({
      provider: c.provider.name,
      result: 'invalid',
      reason: `missing header ${c.signatureHeader}`,
    });
  });

  it.each([
    ['one character short', (v: string) => v.slice(0, -1)],
    ['one character long', (v: string) => `${v}0`],
    ['empty', () => ''],
  ])('reports a signature %s as invalid without throwing', async (_, mutate) => {
    const delivery = await c.signed(TS);
    const value = headerValue(delivery.headers, c.signatureHeader)!;
    const headers = replaceHeader(delivery.headers, c.signatureHeader, mutate(value));
    expect(c.provider.verify({ ...delivery, headers }, c.secret, NOW).result).toBe('invalid');
  });

  it('re-signs in place: same header names, casing and order, valid at the new time', async () => {
    const delivery = await c.signed(TS);
    const later = (TS + 3600) * 1000;
    const headers = c.provider.sign(delivery, c.secret, later);
    expect(headers.map(([name]) => name)).toEqual(delivery.headers.map(([name]) => name));
    expect(c.provider.verify({ ...delivery, headers }, c.secret, later).result).toBe('valid');
    if (c.timestamped) expect(c.provider.verify(delivery, c.secret, later).result).toBe('invalid');
  });

  it('signs a delivery that had no signature header by appending one', async () => {
    const delivery = await c.signed(TS);
    const bare = { ...delivery, headers: replaceHeader(delivery.headers, c.signatureHeader, null) };
    const headers = c.provider.sign(bare, c.secret, NOW);
    expect(headers.at(-1)![0]).toBe(c.signatureHeader);
    expect(c.provider.verify({ ...delivery, headers }, c.secret, NOW).result).toBe('valid');
  });

  it.each([
    ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22])],
    ['a JSON array', Buffer.from('[1,2,3]')],
    ['JSON with the wrong field types', Buffer.from('{"type":{"a":1},"id":7,"created":"soon","event":[1]}')],
    ['deeply nested JSON', Buffer.from('['.repeat(100_000))],
    ['empty', Buffer.alloc(0)],
  ])('describes a %s body without throwing', async (_, body) => {
    const delivery = await c.signed(TS);
    const description = c.provider.describe({ ...delivery, body });
    expect(description).toHaveProperty('eventType');
    expect(c.provider.verify({ ...delivery, body }, c.secret, NOW).result).toBe('invalid');
  });
});

describe.each(cases)('$provider.name signed header sent more than once', (c) => {
  const secrets =
    c.provider.name === 'hmac'
      ? buildSecrets({ verify: [`hmac-sha256:${c.signatureHeader}:${c.secret}`] })
      : buildSecrets({ flags: [`${c.provider.name}=${c.secret}`] });

  it('is invalid, naming the header, whether the copy is the right signature or another', async () => {
    const delivery = await c.signed(TS);
    expect(verifyWebhook(delivery, secrets, NOW).result).toBe('valid');
    const value = headerValue(delivery.headers, c.signatureHeader)!;
    for (const copy of [value, 'forged']) {
      // The copy's name in another case: header names are case-insensitive, so it is the same header.
      const headers: HeaderPairs = [...delivery.headers, [c.signatureHeader.toUpperCase(), copy]];
      expect(verifyWebhook({ ...delivery, headers }, secrets, NOW)).toEqual({
        provider: c.provider.name,
        result: 'invalid',
        reason: `${c.signatureHeader} sent twice: a sender sends one, so a copy was added on the way (a proxy?) or the request is forged`,
        problem: 'repeated_header',
      });
    }
    const thrice: HeaderPairs = [[c.signatureHeader, value], ...delivery.headers, [c.signatureHeader, value]];
    expect(verifyWebhook({ ...delivery, headers: thrice }, secrets, NOW).reason).toMatch(new RegExp(`^${c.signatureHeader} sent 3 times: `));
  });
});

describe.each(cases.filter((c) => c.malformed !== undefined))('$provider.name header structure', (c) => {
  it('reports a malformed signature header', async () => {
    const delivery = await c.signed(TS);
    const headers = replaceHeader(delivery.headers, c.signatureHeader, c.malformed!);
    const verdict = c.provider.verify({ ...delivery, headers }, c.secret, NOW);
    expect(verdict.result).toBe('invalid');
    expect(verdict.reason).toMatch(new RegExp(`^malformed header ${c.signatureHeader} \\(expected .+\\)$`));
  });
});

describe.each(cases.filter((c) => c.timestamped))('$provider.name timestamp window', (c) => {
  it('accepts a timestamp exactly at the tolerance and rejects one second past it', async () => {
    const delivery = await c.signed(TS);
    expect(c.provider.verify(delivery, c.secret, (TS + 300) * 1000).result).toBe('valid');
    expect(c.provider.verify(delivery, c.secret, (TS + 300) * 1000 + 999).result).toBe('valid');
    expect(c.provider.verify(delivery, c.secret, (TS + 301) * 1000)).toEqual({
      provider: c.provider.name,
      result: 'invalid',
      reason: 'timestamp 301 s old, outside the 300 s tolerance',
      problem: 'too_old',
    });
    // Slack and Standard Webhooks refuse a timestamp too far ahead too; stripe-node checks only the age.
    const ahead = c.provider.verify(delivery, c.secret, (TS - 301) * 1000);
    if (c.provider.name === 'stripe') expect(ahead.result).toBe('valid');
    else expect(ahead).toMatchObject({ reason: 'timestamp 301 s in the future, outside the 300 s tolerance', problem: 'too_new' });
  });

  // With several secrets, a stale verdict is what tells the secret that signed a delivery from a wrong one (verify.ts).
  it('checks the signature before the age: a wrong secret on an old delivery is a mismatch, not too_old', async () => {
    const wrong = c.secret.slice(0, -1) + (c.secret.endsWith('A') ? 'B' : 'A');
    const verdict = c.provider.verify(await c.signed(TS), wrong, (TS + 3600) * 1000);
    expect(verdict).toMatchObject({ result: 'invalid', reason: expect.stringMatching(/^signature does not match/) });
    expect(verdict.problem).toBeUndefined();
  });

  it('honours a custom tolerance, and Infinity for old recordings', async () => {
    const delivery = await c.signed(TS);
    expect(c.provider.verify(delivery, c.secret, (TS + 60) * 1000, 60).result).toBe('valid');
    expect(c.provider.verify(delivery, c.secret, (TS + 61) * 1000, 60).reason).toBe(
      'timestamp 61 s old, outside the 60 s tolerance',
    );
    expect(c.provider.verify(delivery, c.secret, (TS + 86_400 * 365) * 1000, Infinity).result).toBe('valid');
  });
});

describe.each(cases.filter((c) => !c.timestamped))('$provider.name without a timestamp', (c) => {
  it('has no freshness window: an old delivery still verifies', async () => {
    expect(c.provider.verify(await c.signed(TS), c.secret, (TS + 86_400 * 365) * 1000).result).toBe('valid');
  });
});
