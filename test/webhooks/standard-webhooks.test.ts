// Standard Webhooks against the official `standardwebhooks` library: rotation with several signatures, the legacy
// svix-* headers, unusable secrets, agreement with Webhook.verify, and re-signed headers it accepts.

import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { HeaderPairs } from '../../src/exchange.js';
import { standardWebhooks } from '../../src/webhooks/providers/standard-webhooks.js';
import { input } from './support.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_dGhpcyBpcyB0aGUgb2xkIGtleSBiZWZvcmUgcm90YXRpb24=';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const payload = '{"type":"invoice.paid","data":{"id":"inv_01HV","amount":2900}}';

/** A delivery signed now (the official verify checks against the real clock), with the given signature value. */
function delivery(signature: (ts: number) => string, names = ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
  const ts = Math.floor(Date.now() / 1000);
  const headers: HeaderPairs = [
    [names[0], ID],
    [names[1], String(ts)],
    [names[2], signature(ts)],
  ];
  return { ts, input: input(headers, payload) };
}

const sign = (secret: string, ts: number) => new Webhook(secret).sign(ID, new Date(ts * 1000), payload);

function officialAccepts(headers: HeaderPairs): boolean {
  try {
    new Webhook(SECRET).verify(payload, Object.fromEntries(headers));
    return true;
  } catch {
    return false;
  }
}

describe('standard webhooks', () => {
  // https://docs.svix.com/receiving/verifying-payloads/how-manual (the same values as the Standard Webhooks example).
  it.each([['webhook-id', 'webhook-timestamp', 'webhook-signature'], ['svix-id', 'svix-timestamp', 'svix-signature']])(
    "verifies Svix's documented example under %s and its sibling headers",
    (idHeader, timestampHeader, signatureHeader) => {
      const headers: HeaderPairs = [
        [idHeader, 'msg_p5jXN8AQM9LWM0D4loKWxJek'],
        [timestampHeader, '1614265330'],
        [signatureHeader, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='],
      ];
      const example = input(headers, '{"test": 2432232314}');
      expect(standardWebhooks.verify(example, SECRET, 1614265330_000).result).toBe('valid');
      expect(standardWebhooks.verify(example, OLD_SECRET, 1614265330_000).result).toBe('invalid');
    },
  );

  it('accepts several space-separated signatures when one matches (key rotation)', () => {
    const { input: d } = delivery((ts) => `${sign(OLD_SECRET, ts)} ${sign(SECRET, ts)}`);
    expect(standardWebhooks.verify(d, SECRET, Date.now()).result).toBe('valid');
    expect(standardWebhooks.verify(d, OLD_SECRET, Date.now()).result).toBe('valid');
  });

  it('skips signature versions it does not know (v1a asymmetric signatures)', () => {
    const { input: d } = delivery((ts) => `v1a,aGVsbG8= ${sign(SECRET, ts)}`);
    expect(standardWebhooks.verify(d, SECRET, Date.now()).result).toBe('valid');
  });

  it('accepts the legacy svix-* header names, and reports them by those names', () => {
    const { input: d } = delivery((ts) => sign(SECRET, ts), ['svix-id', 'svix-timestamp', 'svix-signature']);
    expect(standardWebhooks.detect(d)).toBe(true);
    expect(standardWebhooks.verify(d, SECRET, Date.now()).result).toBe('valid');
    const noTimestamp = { ...d, headers: d.headers.filter(([name]) => name !== 'svix-timestamp') };
    expect(standardWebhooks.verify(noTimestamp, SECRET, Date.now()).reason).toBe('missing header svix-timestamp');
  });

  it.each(['whsec_not base64!', 'whsec_', 'whsec_abcde'])('leaves an unusable secret %j unchecked', (secret) => {
    const { input: d } = delivery((ts) => sign(SECRET, ts));
    expect(standardWebhooks.verify(d, secret, Date.now())).toEqual({
      provider: 'standard',
      result: 'unchecked',
      reason: 'secret for standard is not whsec_<base64 key>',
    });
  });

  it('accepts a secret without the whsec_ prefix', () => {
    const { input: d } = delivery((ts) => sign(SECRET, ts));
    expect(standardWebhooks.verify(d, SECRET.slice('whsec_'.length), Date.now()).result).toBe('valid');
  });

  it.each<[string, (ts: number) => string]>([
    ['a valid signature', (ts) => sign(SECRET, ts)],
    ['the old key only', (ts) => sign(OLD_SECRET, ts)],
    ['rotation', (ts) => `${sign(OLD_SECRET, ts)} ${sign(SECRET, ts)}`],
    ['a signature for another timestamp', (ts) => sign(SECRET, ts - 1)],
    ['a truncated signature', (ts) => sign(SECRET, ts).slice(0, -3)],
    ['an unknown version', (ts) => sign(SECRET, ts).replace('v1,', 'v2,')],
    // The list is space-delimited and each entry split on ',': a tab separates nothing, a third field is ignored.
    ['two signatures separated by a tab', (ts) => `${sign(OLD_SECRET, ts)}\t${sign(SECRET, ts)}`],
    ['two signatures separated by two spaces', (ts) => `${sign(OLD_SECRET, ts)}  ${sign(SECRET, ts)}`],
    ['a signature with a third comma field', (ts) => `${sign(SECRET, ts)},v2`],
    ['garbage', () => 'garbage'],
  ])('agrees with the official Webhook.verify on %s', (_, signature) => {
    const { input: d } = delivery(signature);
    expect(standardWebhooks.verify(d, SECRET, Date.now()).result === 'valid').toBe(officialAccepts(d.headers));
  });

  it('re-signs so that the official Webhook.verify accepts the replay', () => {
    const { input: d } = delivery((ts) => sign(SECRET, ts - 3600));
    const headers = standardWebhooks.sign(d, SECRET, Date.now());
    expect(officialAccepts(d.headers)).toBe(false);
    expect(officialAccepts(headers)).toBe(true);
    expect(headers.find(([name]) => name === 'webhook-id')![1]).toBe(ID);
  });

  it('describes the event: body type, webhook-id, data.id, and webhook-timestamp when the payload states no time', () => {
    const { ts, input: d } = delivery((t) => sign(SECRET, t));
    expect(standardWebhooks.describe(d)).toEqual({ eventType: 'invoice.paid', eventId: ID, timestamp: ts * 1000, resource: 'inv_01HV' });
  });

  // Svix signs each attempt anew: a retry's header time is the retry's, the payload's is the event's.
  it.each([
    ['Clerk: timestamp in epoch ms', '{"type":"user.updated","timestamp":1654012591835,"data":{"id":"user_29w8"}}', 1654012591835, 'user_29w8'],
    ['the spec: timestamp in ISO 8601', '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"c_1"}}', Date.parse('2022-11-03T20:26:10.344Z'), 'c_1'],
    ['Resend: created_at and data.email_id', '{"type":"email.sent","created_at":"2024-02-22T23:41:12.126Z","data":{"email_id":"56761188"}}', Date.parse('2024-02-22T23:41:12.126Z'), '56761188'],
  ])('takes the event time and object from the payload (%s)', (_name, body, timestamp, resource) => {
    const described = standardWebhooks.describe(input([['svix-id', ID], ['svix-timestamp', '1796684884'], ['svix-signature', 'v1,x']], body));
    expect(described).toMatchObject({ timestamp, resource });
  });
});
