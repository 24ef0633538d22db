// Redaction rules (`header:authorization`, `body:$.card.number`): what they take out of an exchange, and the marks
// that say so. Pure. Header values and JSON body values become "[REDACTED]"; every other byte is kept (a gzip body
// is gunzipped, redacted and gzipped again: its JSON keeps every other byte, its gzip framing does not).

import { isUtf8 } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { usageError } from '../errors.js';
import type { Exchange, HeaderPairs } from '../exchange.js';
import { contentCodings, gunzipBounded, isGzip } from '../gzip-body.js';
import { parseJsonPath, type JsonPath } from '../match/json-path.js';
import { findJsonSpan } from './json-span.js';
import { isHttpToken } from '../http-headers.js';

export const REDACTED = '[REDACTED]';

export type RedactRule = { kind: 'header'; name: string; text: string } | { kind: 'body'; path: JsonPath; text: string };

const HINT = 'use header:<name> or body:<json path>, e.g. --redact header:authorization --redact body:$.card.number';

/** Parses `header:NAME` or `body:$.json.path`; a bad rule is a usage error naming it. */
export function parseRedactRule(text: string, flag = '--redact'): RedactRule {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon).trim().toLowerCase();
  const rest = text.slice(colon + 1).trim();
  if (colon > 0 && kind === 'header' && isHttpToken(rest)) return { kind: 'header', name: rest.toLowerCase(), text: `header:${rest.toLowerCase()}` };
  if (colon > 0 && kind === 'body' && rest) {
    try {
      return { kind: 'body', path: parseJsonPath(rest), text: `body:${rest}` };
    } catch (error) {
      throw usageError(`${flag} "${text}": ${(error as Error).message}`, HINT);
    }
  }
  throw usageError(`${flag} "${text}" is not header:<name> or body:<json path>`, HINT);
}

/** Header values named by a rule become [REDACTED]; names, order and duplicates stay. `hits` lists the rules that applied. */
export function redactHeaders(headers: HeaderPairs, rules: RedactRule[], hits: Set<string> = new Set()): HeaderPairs {
  const names = new Map(rules.flatMap((r) => (r.kind === 'header' ? [[r.name, r.text] as const] : [])));
  if (names.size === 0) return headers;
  return headers.map(([name, value]) => {
    const rule = names.get(name.toLowerCase());
    if (!rule) return [name, value];
    hits.add(rule);
    return [name, REDACTED];
  });
}

/** A JSON body with each named value replaced by "[REDACTED]" in place; other bodies are left as they are. */
export function redactBody(body: Buffer, rules: RedactRule[], hits: Set<string> = new Set()): Buffer {
  const paths = rules.filter((r) => r.kind === 'body');
  if (paths.length === 0 || body.length === 0) return body;
  // JSON is UTF-8, and UTF-8 round-trips. A body with a stray invalid byte is searched one character per byte
  // (latin1) instead, so that byte comes back as it was rather than as U+FFFD.
  const encoding = isUtf8(body) ? 'utf8' : 'latin1';
  const text = body.toString(encoding);
  const spans: [number, number, string][] = [];
  for (const rule of paths) {
    const path = encoding === 'utf8' ? rule.path : rule.path.map((key) => (typeof key === 'string' ? Buffer.from(key).toString('latin1') : key));
    const span = findJsonSpan(text, path);
    if (span) spans.push([...span, rule.text]);
  }
  if (spans.length === 0) return body;
  // A value inside another one being redacted goes with it; the rest are replaced right to left, so offsets stay valid.
  const outer = spans.filter(([start, end], i) => !spans.some(([s, e], j) => j !== i && s <= start && end <= e && (s < start || end < e || j < i)));
  outer.sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [start, end, rule] of outer) {
    out = `${out.slice(0, start)}"${REDACTED}"${out.slice(end)}`;
    hits.add(rule);
  }
  return Buffer.from(out, encoding);
}

/**
 * The mark left in place of a body rule that could not look into a body (gzip that does not inflate or passes
 * MAX_REDACT_INFLATED_BYTES, another Content-Encoding): the body is stored as it came, and the exchange says so instead of
 * passing for one with nothing to redact.
 */
export function notApplied(rule: string, why: string): string {
  return `${rule}${NOT_APPLIED}${why})`;
}

const NOT_APPLIED = ' (not applied: ';

/**
 * The rules that replaced values in the stored bytes: what makes a replay or retry send [REDACTED]. A "not applied"
 * mark left the bytes as they came, so it does not count.
 */
export function appliedRules(redacted: readonly string[] | undefined): string[] {
  return (redacted ?? []).filter((rule) => !rule.includes(NOT_APPLIED));
}

/**
 * The most a gzip body is inflated to redact it. It happens on listen's thread as the request passes, and the sender
 * is on the internet: a 60 KB gzip of 60 MiB of JSON took 335 ms there. Past this the rules are marked not applied.
 */
export const MAX_REDACT_INFLATED_BYTES = 16 * 1024 * 1024;

/**
 * redactBody behind the body's Content-Encoding: a gzip (or x-gzip) body is inflated (bounded), redacted and gzipped
 * again, and comes back as it was when no value was found; a body under any other coding, or gzip that cannot be
 * inflated, is left as it is and every body rule is marked notApplied in `hits`.
 */
export function redactEncodedBody(headers: HeaderPairs, body: Buffer, rules: RedactRule[], hits: Set<string> = new Set()): Buffer {
  const paths = rules.filter((r) => r.kind === 'body');
  if (paths.length === 0 || body.length === 0) return body;
  if (contentCodings(headers).length === 0) return redactBody(body, rules, hits);
  let why = 'Content-Encoding other than gzip';
  if (isGzip(headers)) {
    const decoded = gunzipBounded(body, MAX_REDACT_INFLATED_BYTES);
    if (decoded) {
      const redacted = redactBody(decoded, rules, hits);
      return redacted === decoded ? body : gzipSync(redacted);
    }
    why = `gzip body that does not inflate within ${MAX_REDACT_INFLATED_BYTES / 1024 / 1024} MiB`;
  }
  for (const rule of paths) hits.add(notApplied(rule.text, why));
  return body;
}

/** An exchange as exported with --redact: request and response headers, and the request body; marks merged. */
export function redactExchange(e: Exchange, rules: RedactRule[]): Exchange {
  if (rules.length === 0) return e;
  const request = redactRequest(e.requestHeaders, e.requestBody, rules);
  const hits = new Set([...(e.redacted ?? []), ...request.redacted]);
  const responseHeaders = e.responseHeaders && redactHeaders(e.responseHeaders, rules, hits);
  const redacted = hits.size > 0 ? [...hits] : undefined;
  return { ...e, requestHeaders: request.headers, requestBody: request.body, requestSize: request.body.length, responseHeaders, redacted };
}

/**
 * Headers and body of a request, redacted (the body as its Content-Encoding says, see redactEncodedBody), with
 * Content-Length following the new body; `redacted` lists what applied, and the body rules that could not.
 */
export function redactRequest(headers: HeaderPairs, body: Buffer, rules: RedactRule[]): { headers: HeaderPairs; body: Buffer; redacted: string[] } {
  const hits = new Set<string>();
  let newHeaders = redactHeaders(headers, rules, hits);
  // The coding as sent: a rule on Content-Encoding itself must not hide a gzip body from the body rules.
  const newBody = redactEncodedBody(headers, body, rules, hits);
  if (newBody.length !== body.length) {
    newHeaders = newHeaders.map(([name, value]) => (name.toLowerCase() === 'content-length' ? [name, String(newBody.length)] : [name, value]));
  }
  return { headers: newHeaders, body: newBody, redacted: [...hits] };
}
