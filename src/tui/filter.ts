// The `/` filter: structured terms (provider:, event:, status:, sig:, failed) and plain words matched as substrings.

import type { Exchange, ExchangeSummary, HeaderPairs } from '../exchange.js';
import { decodeBody } from '../gzip-body.js';
import { recordedProvider } from '../webhooks/secrets.js';

/** Bodies larger than this are searched byte for byte (case-sensitive) instead of lower-cased as text. */
const LOWERCASE_BODY_LIMIT = 1024 * 1024;

/** A structured term; `value` is lower-case and never empty. */
export type FilterTerm = { kind: 'provider' | 'event' | 'status' | 'sig'; value: string } | { kind: 'failed' };

/** A parsed filter: every term and every word must match. */
export interface FilterQuery {
  terms: FilterTerm[];
  /** Plain words, lower-case: each must appear in the summary's fields or in a body. */
  words: string[];
}

const TERM = /^(provider|event|status|sig):(.*)$/;

/**
 * Splits the filter text at whitespace into terms and plain words. `provider:` with nothing after it yet (still
 * being typed) is no constraint at all, so the list does not empty out mid-word.
 */
export function parseFilter(text: string): FilterQuery {
  const query: FilterQuery = { terms: [], words: [] };
  for (const word of text.toLowerCase().split(/\s+/)) {
    const term = TERM.exec(word);
    if (term) {
      // `provider:svix` finds what is recorded as standard, as `ls --provider svix` does.
      const value = term[1] === 'provider' ? (recordedProvider(term[2]) ?? term[2]) : term[2];
      if (value) query.terms.push({ kind: term[1] as 'provider' | 'event' | 'status' | 'sig', value });
    } else if (word === 'failed') {
      query.terms.push({ kind: 'failed' });
    } else if (word) {
      query.words.push(word);
    }
  }
  return query;
}

/** True when the filter asks for nothing (no text, or only a term still being typed). */
export function isEmptyQuery(query: FilterQuery): boolean {
  return query.terms.length === 0 && query.words.length === 0;
}

/** `5xx` a class, `404` one status, `50` a prefix (while typing); anything else matches nothing. */
function statusMatches(status: number | null, pattern: string): boolean {
  if (status === null || !/^[\dx]{1,3}$/.test(pattern)) return false;
  return new RegExp(`^${pattern.replace(/x/g, '\\d')}`).test(String(status));
}

/** No response (hooktunnel answered or the recorder stopped), a 5xx, or a signature that does not hold. */
export function isFailedDelivery(e: ExchangeSummary): boolean {
  if (e.state === 'failed' || e.state === 'interrupted') return true;
  return (e.status !== null && e.status >= 500) || e.webhook?.verification === 'invalid';
}

function termMatches(e: ExchangeSummary, term: FilterTerm): boolean {
  const w = e.webhook;
  switch (term.kind) {
    case 'provider':
      return (w?.provider ?? '').toLowerCase().includes(term.value);
    case 'event':
      return (w?.eventType ?? '').toLowerCase().includes(term.value);
    case 'status':
      return statusMatches(e.status, term.value);
    case 'sig':
      // Not examined at all reads as not checked; a prefix works, so `sig:inv` already narrows while typing.
      return (w?.verification ?? 'unchecked').startsWith(term.value);
    case 'failed':
      return isFailedDelivery(e);
  }
}

/** Every structured term holds for this summary. */
export function termsMatch(e: ExchangeSummary, terms: readonly FilterTerm[]): boolean {
  return terms.every((term) => termMatches(e, term));
}

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Matches the fields the list and the detail show; `needle` is already lower-case. */
export function summaryMatches(e: ExchangeSummary, needle: string): boolean {
  if (!needle) return true;
  const w = e.webhook;
  const fields = [e.method, e.path, decoded(e.path), String(e.status ?? ''), String(e.id), `#${e.id}`, e.errorCode ?? ''];
  fields.push(w?.provider ?? '', w?.eventType ?? '', w?.eventId ?? '');
  return fields.some((field) => field.toLowerCase().includes(needle));
}

/**
 * The plain words this row's summary does not answer, which only its bodies can: empty when the summary alone
 * matches, null when a structured term rules the row out. Reading bodies is the costly part of a search; this says
 * whether it is needed at all.
 */
export function wordsForBodies(e: ExchangeSummary, query: FilterQuery): string[] | null {
  if (!termsMatch(e, query.terms)) return null;
  return query.words.filter((word) => !summaryMatches(e, word));
}

/**
 * A body as the views show it (gunzipped when the headers say gzip, so a word read in the detail is found), ready to
 * search: lower-cased text, or the bytes themselves when too large to copy; null when there is none.
 */
function searchable(headers: HeaderPairs | null, body: Buffer | null): string | Buffer | null {
  const shown = body && headers ? (decodeBody(headers, body) ?? body) : body;
  if (!shown || shown.length === 0) return null;
  return shown.length > LOWERCASE_BODY_LIMIT ? shown : shown.toString('utf8').toLowerCase();
}

/**
 * Every word (already lower-case) is in the request or the response body. Each body is decoded at most once for all
 * the words, and the response only when the request does not answer.
 */
export function bodiesMatch(e: Exchange, words: readonly string[]): boolean {
  const request = searchable(e.requestHeaders, e.requestBody);
  let response: string | Buffer | null | undefined;
  const inResponse = (word: string) => (response === undefined ? (response = searchable(e.responseHeaders, e.responseBody)) : response)?.includes(word) ?? false;
  return words.every((word) => request?.includes(word) || inResponse(word));
}
