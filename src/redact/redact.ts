// Redaction rules (`header:authorization`, `body:$.card.number`): what they take out of an exchange, and the marks
// that say so. Pure. Header values and JSON body values become "[REDACTED]"; every other byte is kept.

import { isUtf8 } from 'node:buffer';
import { usageError } from '../errors.js';
import type { Exchange, HeaderPairs } from '../exchange.js';
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

/** An exchange as exported with --redact: request and response headers, and the request body; marks merged. */
export function redactExchange(e: Exchange, rules: RedactRule[]): Exchange {
  if (rules.length === 0) return e;
  const request = redactRequest(e.requestHeaders, e.requestBody, rules);
  const hits = new Set([...(e.redacted ?? []), ...request.redacted]);
  const responseHeaders = e.responseHeaders && redactHeaders(e.responseHeaders, rules, hits);
  const redacted = hits.size > 0 ? [...hits] : undefined;
  return { ...e, requestHeaders: request.headers, requestBody: request.body, requestSize: request.body.length, responseHeaders, redacted };
}

/** Headers and body of a request, redacted, with Content-Length following the new body; `redacted` lists what applied. */
export function redactRequest(headers: HeaderPairs, body: Buffer, rules: RedactRule[]): { headers: HeaderPairs; body: Buffer; redacted: string[] } {
  const hits = new Set<string>();
  let newHeaders = redactHeaders(headers, rules, hits);
  const newBody = redactBody(body, rules, hits);
  if (newBody.length !== body.length) {
    newHeaders = newHeaders.map(([name, value]) => (name.toLowerCase() === 'content-length' ? [name, String(newBody.length)] : [name, value]));
  }
  return { headers: newHeaders, body: newBody, redacted: [...hits] };
}
