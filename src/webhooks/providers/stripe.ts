// Stripe: `Stripe-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">[,v1=...]`, keyed with the whsec_ secret as is.
// https://docs.stripe.com/webhooks#verify-manually

import { headerValue } from '../../exchange.js';
import { setHeader } from '../../http-headers.js';
import { asObject, numberField, parseJsonObject, stringField } from '../body.js';
import { DEFAULT_TOLERANCE_SEC, type Provider, type WebhookInput } from '../provider.js';
import {
  MISMATCH,
  ageVerdict,
  hmac,
  invalid,
  malformedHeader,
  missingHeader,
  parseUnixSeconds,
  safeEqual,
} from '../signing.js';

const HEADER = 'Stripe-Signature';
const EXPECTED_FORM = 't=<unix seconds>,v1=<hex signature>';

interface StripeSignatureHeader {
  timestamp: number;
  /** Every v1 value: during a secret roll Stripe sends one per active secret. */
  signatures: string[];
}

// Split on ',' and '=' exactly, as Stripe documents it and its libraries do: with whitespace around an item
// (`t=1, v1=…`) stripe-node finds no v1 signature and the app refuses it, so the verdict here must not be valid.
function parseHeader(value: string): StripeSignatureHeader | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq);
    const val = item.slice(eq + 1);
    // stripe-node reads t with parseInt, which skips leading whitespace, so `t= 1722860000` still counts.
    if (key === 't') timestamp = parseUnixSeconds(val);
    else if (key === 'v1') signatures.push(val);
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

function signature(secret: string, timestamp: number, body: Buffer): string {
  return hmac('sha256', secret, [`${timestamp}.`, body], 'hex');
}

/** Stripe webhook signatures (signing secret `whsec_...` from the dashboard or `stripe listen`). */
export const stripe: Provider = {
  name: 'stripe',
  signedHeaders: [HEADER],

  // Stripe's deliveries carry its User-Agent too: an unsigned one (`trigger` without a secret, a stripped header) is
  // still Stripe's, and then checks as "missing Stripe-Signature" instead of passing for an unknown sender.
  detect: (input) => headerValue(input.headers, HEADER) !== undefined || /^Stripe\//.test(headerValue(input.headers, 'User-Agent') ?? ''),

  describe(input: WebhookInput) {
    const event = parseJsonObject(input.body);
    const created = numberField(event, 'created');
    return {
      eventType: stringField(event, 'type'),
      eventId: stringField(event, 'id'),
      timestamp: created === null ? null : created * 1000,
      // A Connect platform hears its connected accounts' events on one endpoint; `account` says whose.
      source: stringField(event, 'account'),
      resource: stringField(asObject(asObject(event?.data)?.object), 'id'),
      // A live-mode event reaching a development tunnel means a live endpoint or secret points at a laptop.
      live: typeof event?.livemode === 'boolean' ? event.livemode : null,
      apiVersion: stringField(event, 'api_version'),
    };
  },

  verify(input, secret, nowMs, toleranceSec = DEFAULT_TOLERANCE_SEC) {
    const value = headerValue(input.headers, HEADER);
    if (value === undefined) return missingHeader('stripe', HEADER);
    const parsed = parseHeader(value);
    if (!parsed) return malformedHeader('stripe', HEADER, EXPECTED_FORM);
    const expected = signature(secret, parsed.timestamp, input.body);
    if (!parsed.signatures.some((candidate) => safeEqual(expected, candidate))) return invalid('stripe', MISMATCH);
    // As stripe-node's constructEvent: only an old timestamp is refused (a sender clock ahead of ours is not).
    return ageVerdict('stripe', parsed.timestamp, nowMs, toleranceSec, 'accepted');
  },

  sign(input, secret, nowMs) {
    return stripe.signMany!(input, [secret], nowMs);
  },

  signMany(input, secrets, nowMs) {
    const timestamp = Math.floor(nowMs / 1000);
    const v1 = secrets.map((secret) => `,v1=${signature(secret, timestamp, input.body)}`).join('');
    return setHeader(input.headers, HEADER, `t=${timestamp}${v1}`);
  },
};
