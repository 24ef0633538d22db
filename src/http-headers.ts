// Header handling shared by the relay and the forwarder: raw [name, value] pairs, order and duplicates kept.

import type { HeaderPairs } from './protocol.js';
import { ERROR_HEADER } from './protocol.js';

/** RFC 9110 §5.6.2 token: what an HTTP method or header name may hold. */
export const isHttpToken = (text: string): boolean => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(text);

// RFC 9110 §7.6.1: hop-by-hop headers apply to one connection and must not be forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** Node's rawHeaders (flat list) to pairs. */
export function toPairs(raw: string[]): HeaderPairs {
  const pairs: HeaderPairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
  return pairs;
}

/** Pairs to the flat list node:http accepts in request options and writeHead, which keeps order and duplicates. */
export function toFlat(pairs: HeaderPairs): string[] {
  const flat: string[] = [];
  for (const [name, value] of pairs) flat.push(name, value);
  return flat;
}

/** Lengths of the names dropped whatever Connection says: a header of another length is kept without lower-casing it. */
const DROPPED_LENGTHS = new Set([...HOP_BY_HOP, ERROR_HEADER].map((name) => name.length));

/** Adds the lower-cased names a Connection header's value lists (RFC 9110 §7.6.1) to `named`. */
export function addConnectionTokens(named: Set<string> | undefined, value: string): Set<string> {
  named ??= new Set();
  for (const token of value.split(',')) named.add(token.trim().toLowerCase());
  return named;
}

/** Is a header of this name dropped on forwarding? `named`: the names listed in Connection, lower-cased. */
export function dropsHeader(name: string, named: Set<string> | undefined): boolean {
  if (!named && !DROPPED_LENGTHS.has(name.length)) return false;
  const lower = name.toLowerCase();
  return HOP_BY_HOP.has(lower) || lower === ERROR_HEADER || (named !== undefined && named.has(lower));
}

function connectionNames(pairs: HeaderPairs): Set<string> | undefined {
  let named: Set<string> | undefined;
  for (const [name, value] of pairs) {
    if (name.length === 10 && name.toLowerCase() === 'connection') named = addConnectionTokens(named, value);
  }
  return named;
}

/**
 * Drops hop-by-hop headers, the headers named in Connection, and hooktunnel's own error header
 * (so a local app or a sender cannot fake an error made by hooktunnel). `keepErrorHeader`: the answer comes from
 * another hooktunnel relay node, whose error marking is genuine.
 */
export function stripHopByHop(pairs: HeaderPairs, options: { keepErrorHeader?: boolean } = {}): HeaderPairs {
  const named = connectionNames(pairs);
  if (options.keepErrorHeader) {
    // A genuine error marking still goes if Connection names it, like any header Connection names.
    const keeps = (name: string) => name.toLowerCase() === ERROR_HEADER && !named?.has(ERROR_HEADER);
    return pairs.filter(([name]) => keeps(name) || !dropsHeader(name, named));
  }
  return pairs.filter(([name]) => !dropsHeader(name, named));
}

/** toFlat(stripHopByHop(pairs)) in one pass: what a relay writes back to a sender. */
export function stripHopByHopFlat(pairs: HeaderPairs): string[] {
  const named = connectionNames(pairs);
  const flat: string[] = [];
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i];
    if (!dropsHeader(pair[0], named)) flat.push(pair[0], pair[1]);
  }
  return flat;
}

/** Replaces every header of this name with one value at the first one's position (appended if absent). */
export function setHeader(pairs: HeaderPairs, name: string, value: string): HeaderPairs {
  const lower = name.toLowerCase();
  const out: HeaderPairs = [];
  let placed = false;
  for (const pair of pairs) {
    if (pair[0].toLowerCase() !== lower) out.push(pair);
    else if (!placed) {
      out.push([pair[0], value]);
      placed = true;
    }
  }
  if (!placed) out.push([name, value]);
  return out;
}

/**
 * A header value as a person reads it. HTTP carries header bytes; Node hands them over one byte per character
 * (latin1), so UTF-8 such as `café` arrives as `cafÃ©`. Shown decoded when the bytes are valid UTF-8, as they are.
 * For display only: what is stored and forwarded stays byte for byte.
 */
export function headerValueText(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  const decoded = Buffer.from(value, 'latin1').toString('utf8');
  return decoded.includes('\ufffd') ? value : decoded;
}

/**
 * Why `value` cannot be sent as a header value, or undefined: a control character other than tab (CR, LF and NUL
 * would split or end the header), or a character beyond Latin-1, which HTTP/1.1 cannot carry. Characters
 * U+0080-U+00FF pass: a recorded value holds its bytes that way (UTF-8 `’` is \xe2\x80\x99), as Node accepts them.
 */
export function headerValueProblem(value: string): string | undefined {
  // By code point (the u flag): an emoji is one character, not half a surrogate pair shown as "\ufffd".
  const bad = /[\x00-\x08\x0a-\x1f\x7f\u{100}-\u{10ffff}]/u.exec(value);
  if (!bad) return undefined;
  // The character itself: whoever prints this escapes it (the CLI's error output, JSON, the page's textContent).
  return bad[0].codePointAt(0)! > 0xff ? `contains "${bad[0]}", which a header value cannot carry (only Latin-1)` : `contains a control character (${bad[0]})`;
}
