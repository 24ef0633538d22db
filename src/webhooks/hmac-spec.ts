// The generic HMAC scheme a user describes on the command line: `hmac-sha256:HEADER:SECRET[:hex|base64]`.

import { usageError } from '../errors.js';
import { isHttpToken } from '../http-headers.js';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';

/** A user-described signature: HMAC of the raw body with `secret`, found in `header`. */
export interface HmacSpec {
  algorithm: HmacAlgorithm;
  header: string;
  secret: string;
  encoding: DigestEncoding;
}

const EXPECTED_FORM = 'hmac-sha256:HEADER:SECRET[:hex|base64]';

/**
 * Parses `hmac-<sha1|sha256|sha512>:HEADER:SECRET[:hex|base64]` (encoding defaults to hex). The secret may itself
 * contain colons; a secret that ends in `:hex` or `:base64` must be followed by an explicit encoding.
 * Throws a usage error naming the bad value and the expected form.
 */
export function parseHmacSpec(value: string): HmacSpec {
  const parts = value.split(':');
  // Name the bad value but keep the secret off the terminal and out of logs.
  const shown = parts.length > 2 ? `${parts[0]}:${parts[1]}:***` : value;
  const hint = `expected ${EXPECTED_FORM}, e.g. hmac-sha256:X-Signature:mysecret:hex`;
  const fail = (problem: string) => usageError(`--verify "${shown}" ${problem}`, hint);
  const [scheme, header, ...rest] = parts;
  const algorithm = /^hmac-(sha1|sha256|sha512)$/i.exec(scheme)?.[1].toLowerCase() as HmacAlgorithm | undefined;
  if (!algorithm) throw fail(`does not start with hmac-sha256 (or hmac-sha1, hmac-sha512)`);
  if (header === undefined || !isHttpToken(header)) throw fail('has no valid header name after the algorithm');
  const last = rest.at(-1)?.toLowerCase();
  const explicit = rest.length > 1 && (last === 'hex' || last === 'base64');
  const encoding: DigestEncoding = explicit ? (last as DigestEncoding) : 'hex';
  const secret = (explicit ? rest.slice(0, -1) : rest).join(':');
  if (secret === '') throw fail('has an empty secret');
  return { algorithm, header, secret, encoding };
}
