// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`; the legacy SHA-1 `X-Hub-Signature` as fallback.
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries

import { headerValue } from '../../exchange.js';
import { setHeader } from '../../http-headers.js';
import { isFormEncoded, parseForm, parseJsonObject, stringField, type JsonObject } from '../body.js';
import type { Provider, WebhookInput } from '../provider.js';
import { MISMATCH, hmac, invalid, malformedHeader, missingHeader, safeEqual, valid } from '../signing.js';

const HEADER_256 = 'X-Hub-Signature-256';
const HEADER_SHA1 = 'X-Hub-Signature';

// GitHub posts either JSON or, when the hook's content type is form, `payload=<url-encoded JSON>`.
function payload(input: WebhookInput): JsonObject | null {
  if (!isFormEncoded(input.headers)) return parseJsonObject(input.body);
  const json = parseForm(input.body).get('payload');
  return json === null ? null : parseJsonObject(Buffer.from(json));
}

function check(input: WebhookInput, secret: string, header: string, algorithm: 'sha1' | 'sha256') {
  const value = headerValue(input.headers, header)!.trim();
  if (!value.startsWith(`${algorithm}=`)) return malformedHeader('github', header, `${algorithm}=<hex signature>`);
  const expected = `${algorithm}=${hmac(algorithm, secret, [input.body], 'hex')}`;
  return safeEqual(expected, value) ? valid('github') : invalid('github', MISMATCH);
}

/** GitHub repository, organisation and app webhooks (the secret set on the hook). */
export const github: Provider = {
  name: 'github',
  signedHeaders: [HEADER_256, HEADER_SHA1],

  detect: (input) =>
    headerValue(input.headers, 'X-GitHub-Event') !== undefined || headerValue(input.headers, HEADER_256) !== undefined,

  describe(input) {
    const event = headerValue(input.headers, 'X-GitHub-Event') ?? null;
    const action = stringField(payload(input), 'action');
    return {
      eventType: event && action ? `${event}.${action}` : event,
      eventId: headerValue(input.headers, 'X-GitHub-Delivery') ?? null,
      // GitHub states no delivery time in headers, and payload times belong to the objects, not the event.
      timestamp: null,
    };
  },

  verify(input, secret) {
    if (headerValue(input.headers, HEADER_256) !== undefined) return check(input, secret, HEADER_256, 'sha256');
    if (headerValue(input.headers, HEADER_SHA1) !== undefined) return check(input, secret, HEADER_SHA1, 'sha1');
    return missingHeader('github', HEADER_256);
  },

  sign(input, secret) {
    let headers = setHeader(input.headers, HEADER_256, `sha256=${hmac('sha256', secret, [input.body], 'hex')}`);
    if (headerValue(headers, HEADER_SHA1) !== undefined) {
      headers = setHeader(headers, HEADER_SHA1, `sha1=${hmac('sha1', secret, [input.body], 'hex')}`);
    }
    return headers;
  },
};
