// Generic HMAC: a user-named header holding the HMAC of the raw body, hex or base64, with an optional `sha256=` prefix.

import { headerValue } from '../../exchange.js';
import { setHeader } from '../../http-headers.js';
import type { HmacSpec } from '../hmac-spec.js';
import type { Provider } from '../provider.js';
import { MISMATCH, hmac, invalid, missingHeader, safeEqual, valid } from '../signing.js';

/**
 * A provider for one `--verify hmac-...` spec. It is detected by its header alone, and `verify` takes the secret as
 * its argument like every provider (normally `spec.secret`). The header value may carry an `<algorithm>=` prefix,
 * as GitHub-style senders write it, and hex is compared case-insensitively.
 */
export function createHmacProvider(spec: HmacSpec): Provider {
  const prefix = `${spec.algorithm}=`;
  return {
    name: 'hmac',
    signedHeaders: [spec.header],

    detect: (input) => headerValue(input.headers, spec.header) !== undefined,

    // A custom scheme says nothing we can rely on about event types, ids or times.
    describe: () => ({ eventType: null, eventId: null, timestamp: null }),

    verify(input, secret) {
      let value = headerValue(input.headers, spec.header)?.trim();
      if (value === undefined) return missingHeader('hmac', spec.header);
      if (value.toLowerCase().startsWith(prefix)) value = value.slice(prefix.length);
      if (spec.encoding === 'hex') value = value.toLowerCase();
      const expected = hmac(spec.algorithm, secret, [input.body], spec.encoding);
      return safeEqual(expected, value) ? valid('hmac') : invalid('hmac', MISMATCH);
    },

    sign(input, secret) {
      const original = headerValue(input.headers, spec.header)?.trim() ?? '';
      // Keep the sender's prefix (and its casing), so the receiving app parses the new value the same way.
      const kept = original.toLowerCase().startsWith(prefix) ? original.slice(0, prefix.length) : '';
      const digest = hmac(spec.algorithm, secret, [input.body], spec.encoding);
      // verify() takes hex in either case, but the app written for this sender may compare it exactly: a sender that
      // writes upper-case hex gets upper-case back.
      const upper = spec.encoding === 'hex' && /^[0-9A-F]*[A-F][0-9A-F]*$/.test(original.slice(kept.length));
      return setHeader(input.headers, spec.header, kept + (upper ? digest.toUpperCase() : digest));
    },
  };
}
