// Gunzipping a recorded body for people to read (`show`, the TUI, the inspector), with a bound: a body is untrusted,
// and a few KiB of gzip can inflate to gigabytes.

import { gunzipSync } from 'node:zlib';
import { headerValue, type HeaderPairs } from './exchange.js';

/** A gzip body that inflates past this is shown raw only. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

/** The inflated bytes, or null when they are not gzip or would pass `maxBytes`. */
export function gunzipBounded(bytes: Buffer, maxBytes = MAX_DECODED_BYTES): Buffer | null {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch {
    return null;
  }
}

/** The bytes shown by default: gunzipped when the headers say gzip and the body really is (null otherwise). */
export function decodeBody(headers: HeaderPairs, bytes: Buffer): Buffer | null {
  const encoding = (headerValue(headers, 'content-encoding') ?? '').trim().toLowerCase();
  return encoding === 'gzip' || encoding === 'x-gzip' ? gunzipBounded(bytes) : null;
}
