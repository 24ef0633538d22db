// JSON parsed without rounding its integers. A JS number holds integers exactly only up to 2^53, and webhook ids go past
// it (Shopify's sample order 820982911946154508 parses to 820982911946154500), so `wait --match body.id=…` never
// matched the id the body holds (and matched one it does not), and `diff` called two different ids the same. Such an
// integer is kept as its digits, a JsonInteger; everything else parses as JSON.parse parses it.

import { randomUUID } from 'node:crypto';
import { literalEnd, stringEnd } from './json-tokens.js';

/** An integer literal a JS number would round, as written. JSON.stringify writes it as a string of its digits. */
export class JsonInteger {
  constructor(readonly text: string) {}

  toJSON(): string {
    return this.text;
  }
}

// Integers of 15 digits or fewer are all exact; a body without a longer run of digits needs no scan.
const LONG_DIGITS = /\d{16}/;

/** [start, end) of every integer literal in `text` (valid JSON) that a JS number would not hold exactly. */
function roundedIntegers(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at];
    if (char === '"') at = stringEnd(text, at);
    else if (char === '-' || (char >= '0' && char <= '9')) {
      const end = literalEnd(text, at);
      const literal = text.slice(at, end);
      if (/^-?\d{16,}$/.test(literal) && BigInt(literal) !== BigInt(Number(literal))) spans.push([at, end]);
      at = end;
    } else at++;
  }
  return spans;
}

/** JSON.parse, but an integer a JS number would round comes back as a JsonInteger of its digits. Throws as JSON.parse does. */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const spans = roundedIntegers(text);
  if (spans.length === 0) return JSON.parse(text);
  // Each such integer becomes a string no sender can have written (a fresh random mark), turned back by the reviver.
  const mark = `hooktunnel-integer-${randomUUID()}:`;
  let marked = '';
  let last = 0;
  spans.forEach(([start, end], index) => {
    marked += `${text.slice(last, start)}"${mark}${index}"`;
    last = end;
  });
  marked += text.slice(last);
  return JSON.parse(marked, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(mark) ? new JsonInteger(text.slice(...spans[Number(value.slice(mark.length))])) : value,
  );
}
