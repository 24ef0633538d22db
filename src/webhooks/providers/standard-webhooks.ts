// Standard Webhooks (Svix's scheme): `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with
// the base64 key inside a `whsec_` secret; several space-separated signatures during key rotation.
// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md

import { randomUUID } from 'node:crypto';
import { headerValue, type HeaderPairs } from '../../exchange.js';
import { setHeader } from '../../http-headers.js';
import { asObject, numberField, parseJsonObject, stringField, type JsonObject } from '../body.js';
import { DEFAULT_TOLERANCE_SEC, type Provider } from '../provider.js';
import {
  MISMATCH,
  ageVerdict,
  hmac,
  invalid,
  malformedHeader,
  missingHeader,
  parseUnixSeconds,
  safeEqual,
  secondsHeaderToMs,
  unchecked,
} from '../signing.js';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

// Svix sent `svix-*` headers before the standard existed, and still does for older endpoints.
const HEADER_SETS = [
  { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' },
  { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' },
];
type HeaderSet = (typeof HEADER_SETS)[number];

function presentSets(headers: HeaderPairs): HeaderSet[] {
  const present = (name: string) => headerValue(headers, name) !== undefined;
  return HEADER_SETS.filter((set) => present(set.signature) || present(set.id));
}

/** The HMAC key inside a whsec_ secret, or null when it is not base64. */
function secretKey(secret: string): Buffer | null {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // Node decodes sloppy base64 without complaint; a length of 4n+1 is never valid, so say so rather than guess.
  return BASE64.test(encoded) && encoded.length % 4 !== 1 ? Buffer.from(encoded, 'base64') : null;
}

/**
 * When the event happened, from the payload: the spec's `timestamp` (ISO 8601; Clerk sends epoch ms), else Resend's
 * `created_at`. Null when the payload says neither, and then the signed header's time is all there is.
 */
function payloadTime(event: JsonObject | null): number | null {
  const value = numberField(event, 'timestamp') ?? stringField(event, 'timestamp') ?? stringField(event, 'created_at');
  if (typeof value === 'number') return value >= 1e11 ? value : value * 1000; // ms, or (a sender's choice) seconds
  const ms = value === null ? NaN : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function signature(key: Buffer, id: string, timestamp: number, body: Buffer): string {
  return hmac('sha256', key, [`${id}.${timestamp}.`, body], 'base64');
}

/** Standard Webhooks and Svix (used by Clerk, Resend, Replicate, OpenAI and others). */
export const standardWebhooks: Provider = {
  name: 'standard',
  signedHeaders: HEADER_SETS.flatMap((set) => [set.id, set.timestamp, set.signature]),

  detect: (input) => presentSets(input.headers).length > 0,

  describe(input) {
    const set = presentSets(input.headers)[0] ?? HEADER_SETS[0];
    const event = parseJsonObject(input.body);
    const data = asObject(event?.data);
    return {
      eventType: stringField(event, 'type'),
      eventId: headerValue(input.headers, set.id) ?? null,
      // The event's own time first: Svix signs every attempt anew, so a retry of an older event carries a newer header
      // timestamp than the events delivered meanwhile, and comparing those would never find it out of order.
      timestamp: payloadTime(event) ?? secondsHeaderToMs(headerValue(input.headers, set.timestamp)),
      // What the event is about: a Clerk user, organisation or session (`data.id`), a Resend email (`data.email_id`),
      // so a user's user.updated that overtook its user.created is compared with it, whatever the type.
      resource: stringField(data, 'id') ?? stringField(data, 'email_id'),
    };
  },

  verify(input, secret, nowMs, toleranceSec = DEFAULT_TOLERANCE_SEC) {
    const key = secretKey(secret);
    if (!key) return unchecked('standard', 'secret for standard is not whsec_<base64 key>');
    const set = presentSets(input.headers)[0] ?? HEADER_SETS[0];
    const header = (name: string) => headerValue(input.headers, name);
    const [id, timestampValue, value] = [header(set.id), header(set.timestamp), header(set.signature)];
    if (value === undefined) return missingHeader('standard', set.signature);
    if (id === undefined) return missingHeader('standard', set.id);
    if (timestampValue === undefined) return missingHeader('standard', set.timestamp);
    const timestamp = parseUnixSeconds(timestampValue);
    if (timestamp === null) return malformedHeader('standard', set.timestamp, '<unix seconds>');
    // Read as the spec and its libraries (standardwebhooks, svix) read it: entries split on single spaces, each on
    // ',' into version and signature (a further field ignored), so a verdict here is the one the app's library gives.
    const entries = value.trim().split(' ').map((entry) => entry.split(','));
    const candidates = entries.filter(([version]) => version === 'v1').map(([, base64 = '']) => base64);
    if (candidates.length === 0) return malformedHeader('standard', set.signature, 'v1,<base64 signature>');
    const expected = signature(key, id, timestamp, input.body);
    if (!candidates.some((candidate) => safeEqual(expected, candidate))) return invalid('standard', MISMATCH);
    return ageVerdict('standard', timestamp, nowMs, toleranceSec);
  },

  sign(input, secret, nowMs) {
    return standardWebhooks.signMany!(input, [secret], nowMs);
  },

  signMany(input, secrets, nowMs) {
    const keys = secrets.map((secret) => {
      const key = secretKey(secret);
      if (!key) throw new Error('secret for standard is not whsec_<base64 key>');
      return key;
    });
    const timestamp = Math.floor(nowMs / 1000);
    let headers = input.headers;
    const sets = presentSets(headers);
    for (const set of sets.length > 0 ? sets : HEADER_SETS.slice(0, 1)) {
      const id = headerValue(headers, set.id) ?? `msg_${randomUUID().replaceAll('-', '')}`;
      headers = setHeader(headers, set.id, id);
      headers = setHeader(headers, set.timestamp, String(timestamp));
      headers = setHeader(headers, set.signature, keys.map((key) => `v1,${signature(key, id, timestamp, input.body)}`).join(' '));
    }
    return headers;
  },
};
