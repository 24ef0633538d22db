// What the page needs to know about a body before it fetches any of it: size, digest, type, and whether gzip decodes.

import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { headerValue, type HeaderPairs } from '../exchange.js';

/** A gzip body that inflates past this is shown raw only (a zip bomb must not take the inspector down). */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

export interface BodyInfo {
  size: number;
  sha256: string;
  contentType: string;
  contentEncoding: string;
  /** The bytes as received are valid UTF-8. */
  utf8: boolean;
  /** The gunzipped bytes are valid UTF-8; null when the body is not gzip that decodes. */
  decodedUtf8: boolean | null;
  /** Set when Content-Encoding is gzip and the bytes inflate: the decoded size. */
  decodedSize: number | null;
}

/** The bytes the page shows by default: gunzipped when the body says gzip and really is. */
export function decodeBody(headers: HeaderPairs, bytes: Buffer): Buffer | null {
  const encoding = (headerValue(headers, 'content-encoding') ?? '').trim().toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'x-gzip') return null;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_DECODED_BYTES });
  } catch {
    return null;
  }
}

export function bodyInfo(headers: HeaderPairs, bytes: Buffer, sha256: string | null): BodyInfo {
  const decoded = decodeBody(headers, bytes);
  return {
    size: bytes.length,
    // A recording cut off mid-body has no digest stored; the page still shows one of the bytes it has.
    sha256: sha256 ?? createHash('sha256').update(bytes).digest('hex'),
    contentType: headerValue(headers, 'content-type') ?? '',
    contentEncoding: headerValue(headers, 'content-encoding') ?? '',
    utf8: isUtf8(bytes),
    decodedUtf8: decoded ? isUtf8(decoded) : null,
    decodedSize: decoded ? decoded.length : null,
  };
}
