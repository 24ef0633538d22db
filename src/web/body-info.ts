// What the page needs to know about a body before it fetches any of it: size, digest, type, and whether gzip decodes.

import { isUtf8 } from 'node:buffer';
import { headerValue, type HeaderPairs } from '../exchange.js';
import { gunzipFailureText, gunzipOrWhy, isGzip } from '../gzip-body.js';
import { sha256Hex } from '../store/sha256.js';

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
  /** Why a body labelled gzip is shown as stored (as `show` says it); null when it decoded or is not labelled gzip. */
  gzipProblem: string | null;
}

export function bodyInfo(headers: HeaderPairs, bytes: Buffer, sha256: string | null): BodyInfo {
  // The same bytes as decodeBody gives, with the reason when there are none.
  const inflated = isGzip(headers) ? gunzipOrWhy(bytes) : null;
  const decoded = Buffer.isBuffer(inflated) ? inflated : null;
  return {
    size: bytes.length,
    // A recording cut off mid-body has no digest stored; the page still shows one of the bytes it has.
    sha256: sha256 ?? sha256Hex(bytes),
    contentType: headerValue(headers, 'content-type') ?? '',
    contentEncoding: headerValue(headers, 'content-encoding') ?? '',
    utf8: isUtf8(bytes),
    decodedUtf8: decoded ? isUtf8(decoded) : null,
    decodedSize: decoded ? decoded.length : null,
    gzipProblem: typeof inflated === 'string' ? gunzipFailureText(inflated) : null,
  };
}
