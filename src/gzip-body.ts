// Gunzipping a recorded body for people to read (`show`, the TUI, the inspector), with a bound: a body is untrusted,
// and a few KiB of gzip can inflate to gigabytes.

import { gunzipSync } from 'node:zlib';
import type { HeaderPairs } from './exchange.js';

/** A gzip body that inflates past this is shown raw only. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

/** Why a body did not inflate: past the bound (a bomb, or just large), or not gzip at all (or cut short, damaged). */
export type GunzipFailure = 'too large' | 'not gzip';

/** The inflated bytes, or why there are none. */
export function gunzipOrWhy(bytes: Buffer, maxBytes = MAX_DECODED_BYTES): Buffer | GunzipFailure {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'too large' : 'not gzip';
  }
}

/** The inflated bytes, or null when they are not gzip or would pass `maxBytes`. */
export function gunzipBounded(bytes: Buffer, maxBytes = MAX_DECODED_BYTES): Buffer | null {
  const inflated = gunzipOrWhy(bytes, maxBytes);
  return Buffer.isBuffer(inflated) ? inflated : null;
}

/** Every coding the Content-Encoding headers name, in order, lower case (`identity` left out). */
export function contentCodings(headers: HeaderPairs): string[] {
  return headers
    .filter(([name]) => name.toLowerCase() === 'content-encoding')
    .flatMap(([, value]) => value.split(','))
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

/** The headers say gzip, and gzip only: the one coding hooktunnel unpacks (to show, diff or redact a body). */
export function isGzip(headers: HeaderPairs): boolean {
  const codings = contentCodings(headers);
  return codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip');
}

/** The bytes shown by default: gunzipped when the headers say gzip and the body really is (null otherwise). */
export function decodeBody(headers: HeaderPairs, bytes: Buffer): Buffer | null {
  return isGzip(headers) ? gunzipBounded(bytes) : null;
}
