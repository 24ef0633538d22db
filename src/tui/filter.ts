// The `/` filter: a case-insensitive substring of path (raw or decoded), method, status, id, or either body.

import type { Exchange, ExchangeSummary } from '../exchange.js';

/** Bodies larger than this are searched byte for byte (case-sensitive) instead of lower-cased as text. */
const LOWERCASE_BODY_LIMIT = 1024 * 1024;

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Matches the fields the list shows; `needle` is already lower-case. */
export function summaryMatches(e: ExchangeSummary, needle: string): boolean {
  if (!needle) return true;
  const fields = [e.method, e.path, decoded(e.path), String(e.status ?? ''), String(e.id), `#${e.id}`, e.errorCode ?? ''];
  return fields.some((field) => field.toLowerCase().includes(needle));
}

function bodyIncludes(body: Buffer | null, needle: string): boolean {
  if (!body || body.length === 0) return false;
  if (body.length > LOWERCASE_BODY_LIMIT) return body.includes(needle);
  return body.toString('utf8').toLowerCase().includes(needle);
}

/** Matches the request or response body; `needle` is already lower-case. */
export function bodyMatches(e: Exchange, needle: string): boolean {
  return bodyIncludes(e.requestBody, needle) || bodyIncludes(e.responseBody, needle);
}
