// Gunzipping a recorded body for people to read (`show`, the TUI, the inspector), with a bound: a body is untrusted,
// and a few KiB of gzip can inflate to gigabytes.

import { constants, gunzipSync } from 'node:zlib';
import type { HeaderPairs } from './exchange.js';

/** A gzip body that inflates past this is shown raw only. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

/** Why a body did not inflate: past the bound (a bomb, or just large), or not gzip at all (or cut short, damaged). */
export type GunzipFailure = 'too large' | 'not gzip';

/** Why, in words (`show`, the TUI and the inspector say it after "labelled gzip, but"). */
export function gunzipFailureText(why: GunzipFailure): string {
  return why === 'too large' ? `inflates past ${MAX_DECODED_BYTES / 1024 / 1024} MiB` : 'is not gzip, or is cut short or damaged';
}

/** The inflated bytes, or why there are none. */
export function gunzipOrWhy(bytes: Buffer, maxBytes = MAX_DECODED_BYTES): Buffer | GunzipFailure {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'too large' : 'not gzip';
  }
}

/** The beginning of an inflated body, and whether it is all of it. */
export interface GunzipHead {
  head: Buffer;
  whole: boolean;
}

/**
 * About the first `maxBytes` of the inflated body (a little less: a compressed byte can stand for a thousand), or why
 * there are none. For a view that shows only the beginning: inflating a 60 KB bomb to the 64 MiB bound takes a fifth of
 * a second of the thread (listen's, for the TUI) at each look; this takes a few milliseconds.
 */
export function gunzipHead(bytes: Buffer, maxBytes: number): GunzipHead | GunzipFailure {
  const all = gunzipOrWhy(bytes, maxBytes);
  if (Buffer.isBuffer(all)) return { head: all, whole: true };
  if (all === 'not gzip') return all;
  // The longest beginning of the compressed bytes whose output fits, found by halving: a stream cut short inflates, with
  // Z_SYNC_FLUSH, to what it holds so far, and each try makes at most maxBytes.
  let head: Buffer = Buffer.alloc(0);
  let low = 0;
  let high = bytes.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const out = inflatePrefix(bytes.subarray(0, mid), maxBytes);
    if (out === null) high = mid - 1;
    else [head, low] = [out, mid];
  }
  return { head, whole: false };
}

function inflatePrefix(prefix: Buffer, maxBytes: number): Buffer | null {
  try {
    return gunzipSync(prefix, { maxOutputLength: maxBytes, finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return null;
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
