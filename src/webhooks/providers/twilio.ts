// Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1 of the full URL + sorted form params as key+value>`, keyed with
// the auth token. JSON bodies are not signed directly: the URL carries `bodySHA256=<hex SHA-256 of the body>`.
// https://www.twilio.com/docs/usage/webhooks/webhooks-security

import { createHash } from 'node:crypto';
import { headerValue } from '../../exchange.js';
import { setHeader } from '../../http-headers.js';
import { isFormEncoded, parseForm } from '../body.js';
import type { Provider, WebhookInput } from '../provider.js';
import { hmac, invalid, missingHeader, safeEqual, unchecked, valid } from '../signing.js';

const HEADER = 'X-Twilio-Signature';
const UNKNOWN_URL = 'public URL unknown, and Twilio signs the full URL the sender used';
const BODY_PINNED = 'the bodySHA256 in the URL Twilio signed pins the original body, and this body differs';
const TWILIO_MISMATCH = 'signature does not match (wrong auth token, body modified, or not the URL Twilio called)';

// Twilio's libraries sort keys and, for repeated keys, de-duplicate and sort the values (twilio-node, twilio-python).
function signedData(url: string, input: WebhookInput): string {
  if (!isFormEncoded(input.headers)) return url;
  const form = parseForm(input.body);
  let data = url;
  for (const key of [...new Set(form.keys())].sort()) {
    for (const value of [...new Set(form.getAll(key))].sort()) data += key + value;
  }
  return data;
}

// Twilio may have signed the URL with or without the default port; its libraries accept either, and so do we.
function urlVariants(url: string): string[] {
  const match = /^(https?):\/\/([^/?#]*)(.*)$/is.exec(url);
  if (!match || /[@[]/.test(match[2])) return [url];
  const [, scheme, authority, rest] = match;
  const portless = authority.replace(/:\d+$/, '');
  const defaultPort = scheme.toLowerCase() === 'https' ? 443 : 80;
  const other = portless === authority ? `${authority}:${defaultPort}` : portless;
  return [url, `${scheme}://${other}${rest}`];
}

function bodyHashParam(url: string): string | null {
  try {
    return new URL(url).searchParams.get('bodySHA256');
  } catch {
    return null;
  }
}

// Non-form bodies are not in the signed data; a bodySHA256 parameter in the (signed) URL pins them instead.
function bodyMatchesUrl(input: WebhookInput, url: string): boolean {
  const expected = isFormEncoded(input.headers) ? null : bodyHashParam(url);
  return expected === null || safeEqual(createHash('sha256').update(input.body).digest('hex'), expected.toLowerCase());
}

/** Twilio voice, messaging and status callbacks (the account's auth token). Needs the public URL. */
export const twilio: Provider = {
  name: 'twilio',
  signedHeaders: [HEADER],

  detect: (input) => headerValue(input.headers, HEADER) !== undefined,

  describe(input) {
    const form = isFormEncoded(input.headers) ? parseForm(input.body) : new URLSearchParams();
    const messageStatus = form.get('MessageStatus') ?? form.get('SmsStatus');
    const callStatus = form.get('CallStatus');
    return {
      eventType: messageStatus ? `message.${messageStatus}` : callStatus ? `call.${callStatus}` : null,
      eventId: form.get('MessageSid') ?? form.get('SmsSid') ?? form.get('CallSid'),
      timestamp: null,
    };
  },

  verify(input, secret) {
    const value = headerValue(input.headers, HEADER)?.trim();
    if (value === undefined) return missingHeader('twilio', HEADER);
    if (input.url === null) return unchecked('twilio', UNKNOWN_URL);
    if (!bodyMatchesUrl(input, input.url)) {
      return invalid('twilio', 'body does not match the bodySHA256 in the URL (body modified)');
    }
    const matches = urlVariants(input.url).some((url) =>
      safeEqual(hmac('sha1', secret, [signedData(url, input)], 'base64'), value),
    );
    return matches ? valid('twilio') : invalid('twilio', TWILIO_MISMATCH);
  },

  sign(input, secret) {
    if (input.url === null) throw new Error(UNKNOWN_URL);
    // The signature covers only the URL here; a new one over it would still leave the app's body check failing.
    if (!bodyMatchesUrl(input, input.url)) throw new Error(BODY_PINNED);
    return setHeader(input.headers, HEADER, hmac('sha1', secret, [signedData(input.url, input)], 'base64'));
  },
};
