// Re-signed deliveries (`replay --resign`, an edited replay, a late retry) checked by verifiers written here from each
// provider's own documentation, never by hooktunnel's verify: a re-signing bug shared by our signer and our verifier
// would pass the round trip but not these. The originals are the providers' published examples where they have one.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { headerValue, type HeaderPairs } from '../../src/exchange.js';
import type { WebhookInput } from '../../src/webhooks/provider.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { resignIfStale, resignWebhook } from '../../src/webhooks/verify.js';
import { input } from './support.js';

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const mac = (algorithm: string, key: string | Buffer, parts: (string | Buffer)[], encoding: 'hex' | 'base64') => {
  const hmac = createHmac(algorithm, key);
  for (const part of parts) hmac.update(part);
  return hmac.digest(encoding);
};
/** The 5-minute window the providers' libraries apply, either way (Stripe's only bounds the age). */
const fresh = (timestampSec: number, nowSec: number) => Math.abs(nowSec - timestampSec) <= 300;

/** A provider's own check, as its documentation spells it out: true when it would accept the delivery at `nowSec`. */
type SpecCheck = (delivery: WebhookInput, secret: string, nowSec: number) => boolean;

// https://docs.stripe.com/webhooks#verify-manually: split on ',' then '='; HMAC-SHA256 hex of "<t>.<body>"; any v1.
const stripeSpec: SpecCheck = ({ headers, body }, secret, nowSec) => {
  const items = (headerValue(headers, 'Stripe-Signature') ?? '').split(',').map((item) => item.split('='));
  const t = items.find(([key]) => key === 't')?.[1];
  if (t === undefined) return false;
  const expected = mac('sha256', secret, [`${t}.`, body], 'hex');
  return items.some(([key, value]) => key === 'v1' && same(value ?? '', expected)) && nowSec - Number(t) <= 300;
};

// https://api.slack.com/authentication/verifying-requests-from-slack: "v0=" + HMAC-SHA256 hex of "v0:<ts>:<body>".
const slackSpec: SpecCheck = ({ headers, body }, secret, nowSec) => {
  const ts = headerValue(headers, 'X-Slack-Request-Timestamp') ?? '';
  const expected = `v0=${mac('sha256', secret, [`v0:${ts}:`, body], 'hex')}`;
  return same(headerValue(headers, 'X-Slack-Signature') ?? '', expected) && fresh(Number(ts), nowSec);
};

// Standard Webhooks spec / Svix "verifying manually": key = base64 after whsec_; base64 HMAC-SHA256 of
// "<id>.<ts>.<body>"; the header is a space-delimited list of "v1,<signature>".
const standardSpec: SpecCheck = ({ headers, body }, secret, nowSec) => {
  const [id, ts, list] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => headerValue(headers, name) ?? '');
  const expected = mac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'), [`${id}.${ts}.`, body], 'base64');
  return list.split(' ').some((entry) => same(entry, `v1,${expected}`)) && fresh(Number(ts), nowSec);
};

// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries: "sha256=" + HMAC-SHA256 hex of
// the body; the legacy X-Hub-Signature is "sha1=" + HMAC-SHA1 hex. No timestamp.
const githubSpec: SpecCheck = ({ headers, body }, secret) =>
  same(headerValue(headers, 'X-Hub-Signature-256') ?? '', `sha256=${mac('sha256', secret, [body], 'hex')}`) &&
  (headerValue(headers, 'X-Hub-Signature') === undefined ||
    same(headerValue(headers, 'X-Hub-Signature')!, `sha1=${mac('sha1', secret, [body], 'hex')}`));

// https://shopify.dev/docs/apps/build/webhooks/verify-deliveries: base64 HMAC-SHA256 of the raw body, client secret.
const shopifySpec: SpecCheck = ({ headers, body }, secret) =>
  same(headerValue(headers, 'X-Shopify-Hmac-Sha256') ?? '', mac('sha256', secret, [body], 'base64'));

// https://www.twilio.com/docs/usage/webhooks/webhooks-security: base64 HMAC-SHA1 of the full URL Twilio called, then
// for a form body each POST parameter's name and value in name order; a JSON body is pinned by the URL's bodySHA256.
const twilioSpec: SpecCheck = ({ headers, body, url }, secret) => {
  const isForm = (headerValue(headers, 'Content-Type') ?? '').startsWith('application/x-www-form-urlencoded');
  const params = isForm ? [...new URLSearchParams(body.toString())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  const expected = mac('sha1', secret, [url! + params.map(([name, value]) => name + value).join('')], 'base64');
  const pinned = new URL(url!).searchParams.get('bodySHA256');
  const bodyHolds = isForm || pinned === null || pinned === createHash('sha256').update(body).digest('hex');
  return same(headerValue(headers, 'X-Twilio-Signature') ?? '', expected) && bodyHolds;
};

interface Case {
  name: string;
  provider: string;
  secret: string;
  check: SpecCheck;
  /** As the sender signed it, at `signedAt` (Unix seconds). */
  original: WebhookInput;
  signedAt: number;
  /** The body with an edit a user might make before replaying (`replay --edit`). */
  edited: Buffer;
  timestamped: boolean;
}

const SLACK_DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
  '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
  '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
  '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const STRIPE_BODY = JSON.stringify({ id: 'evt_1', object: 'event', type: 'invoice.paid', created: 1722860000 }, null, 2);
const STRIPE_SECRET = 'whsec_5f1b3c9d0e2a4f6b8c0d1e3f5a7b9c1d';
const SHOPIFY_BODY = '{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}';
const TWILIO_DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const TWILIO_DOC_FORM = 'CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212';
const FORM = ['Content-Type', 'application/x-www-form-urlencoded'] as [string, string];

const cases: Case[] = [
  {
    name: 'Stripe',
    provider: 'stripe',
    secret: STRIPE_SECRET,
    check: stripeSpec,
    signedAt: 1722860000,
    original: input(
      [['Content-Type', 'application/json; charset=utf-8'], ['Stripe-Signature', `t=1722860000,v1=${mac('sha256', STRIPE_SECRET, [`1722860000.${STRIPE_BODY}`], 'hex')}`]],
      STRIPE_BODY,
    ),
    edited: Buffer.from(STRIPE_BODY.replace('invoice.paid', 'invoice.payment_failed')),
    timestamped: true,
  },
  {
    name: "Slack (its documentation's example)",
    provider: 'slack',
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    check: slackSpec,
    signedAt: 1531420618,
    original: input(
      [FORM, ['X-Slack-Request-Timestamp', '1531420618'], ['X-Slack-Signature', 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503']],
      SLACK_DOC_BODY,
    ),
    edited: Buffer.from(SLACK_DOC_BODY.replace('text=&', 'text=deploy+prod&')),
    timestamped: true,
  },
  {
    name: "Standard Webhooks (Svix's documented example)",
    provider: 'standard',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    check: standardSpec,
    signedAt: 1614265330,
    original: input(
      [['webhook-id', 'msg_p5jXN8AQM9LWM0D4loKWxJek'], ['webhook-timestamp', '1614265330'], ['webhook-signature', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=']],
      '{"test": 2432232314}',
    ),
    edited: Buffer.from('{"test": 1}'),
    timestamped: true,
  },
  {
    name: "GitHub (its documentation's test values), with the legacy SHA-1 header",
    provider: 'github',
    secret: "It's a Secret to Everybody",
    check: githubSpec,
    signedAt: 0,
    original: input(
      [
        ['X-GitHub-Event', 'ping'],
        ['X-Hub-Signature', `sha1=${mac('sha1', "It's a Secret to Everybody", ['Hello, World!'], 'hex')}`],
        ['X-Hub-Signature-256', 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'],
      ],
      'Hello, World!',
    ),
    edited: Buffer.from('Hello, hooktunnel!'),
    timestamped: false,
  },
  {
    name: 'Shopify',
    provider: 'shopify',
    secret: 'test-webhook-secret',
    check: shopifySpec,
    signedAt: 0,
    original: input([['X-Shopify-Topic', 'orders/create'], ['X-Shopify-Hmac-Sha256', 'QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw=']], SHOPIFY_BODY),
    edited: Buffer.from(SHOPIFY_BODY.replace('123.45', '99.00')),
    timestamped: false,
  },
  {
    name: "Twilio (its documentation's form example)",
    provider: 'twilio',
    secret: '12345',
    check: twilioSpec,
    signedAt: 0,
    original: input([FORM, ['X-Twilio-Signature', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=']], TWILIO_DOC_FORM, TWILIO_DOC_URL),
    // A field added at the end that sorts first: the signed data follows name order, not the body's.
    edited: Buffer.from(`${TWILIO_DOC_FORM.replace('Digits=1234', 'Digits=9')}&AccountSid=AC0123`),
    timestamped: false,
  },
];

const HOUR = 3600;

describe.each(cases)('$name re-signed', (c) => {
  const secrets = buildSecrets({ flags: [`${c.provider}=${c.secret}`] });
  const later = c.signedAt + HOUR;

  it('is what the published original already satisfies, by the documented check', () => {
    expect(c.check(c.original, c.secret, c.signedAt)).toBe(true);
  });

  it('passes the documented check an hour later (replay --resign), headers in place', () => {
    const { headers, resigned } = resignWebhook(c.original, secrets, later * 1000);
    expect(resigned).toBe(true);
    expect(headers.map(([name]) => name)).toEqual(c.original.headers.map(([name]) => name));
    expect(c.check({ ...c.original, headers }, c.secret, later)).toBe(true);
    if (c.timestamped) expect(c.check(c.original, c.secret, later)).toBe(false);
  });

  it('passes the documented check with an edited body (replay --edit)', () => {
    const edited = { ...c.original, body: c.edited };
    const { headers } = resignWebhook(edited, secrets, later * 1000, { signedAs: c.original });
    expect(c.check({ ...edited, headers }, c.secret, later)).toBe(true);
    expect(c.check({ ...edited, headers: c.original.headers }, c.secret, c.signedAt)).toBe(false);
  });
});

describe.each(cases.filter((c) => c.timestamped))('$name sent late (a queued delivery, a retry)', (c) => {
  it('is signed afresh and passes the documented check', () => {
    const secrets = buildSecrets({ flags: [`${c.provider}=${c.secret}`] });
    const later = c.signedAt + HOUR;
    const headers: HeaderPairs | undefined = resignIfStale(c.original, secrets, c.signedAt * 1000, later * 1000, '/');
    expect(headers).toBeDefined();
    expect(c.check({ ...c.original, headers: headers! }, c.secret, later)).toBe(true);
  });
});

describe('Twilio JSON body re-signed', () => {
  // twilio-python's test vector: the signature covers only the URL, whose bodySHA256 pins the body.
  const body = '{"property": "value", "boolean": true}';
  const url = `${TWILIO_DOC_URL}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620`;
  const original = input([['Content-Type', 'application/json'], ['X-Twilio-Signature', 'a9nBmqA0ju/hNViExpshrM61xv4=']], body, url);

  it('passes the documented check', () => {
    expect(twilioSpec(original, '12345', 0)).toBe(true);
    const { headers } = resignWebhook(original, buildSecrets({ flags: ['twilio=12345'] }), Date.now());
    expect(twilioSpec({ ...original, headers }, '12345', 0)).toBe(true);
  });
});
