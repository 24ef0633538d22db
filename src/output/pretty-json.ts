// JSON pretty-printed a line at a time, up to a number of characters, from the text itself. The pretty form of a body
// is not bounded by its size: every level of nesting indents each line inside it by two more spaces, so 250 KB of
// arrays nested 1,500 deep prints as 374 million characters (seconds of a frozen `listen`, gigabytes). A view asks for
// what it can show and the printing stops there.
//
// It re-indents the tokens of the text rather than printing what JSON.parse made of it, because a parsed value is not
// what the sender sent: `820982911946154508` (an id in Shopify's sample orders) parses to 820982911946154500, `1e400`
// to Infinity (printed `null`), integer-like keys move to the front and a repeated key keeps only its last value. Shown
// so, a body misleads; opened so in `replay --edit`, it would send other ids than the recording's. Numbers, strings
// (escapes and all) and keys stay exactly as written; only the whitespace between tokens is made anew, as
// JSON.stringify(value, null, 2) lays it out. It keeps a depth count, not recursion, so no nesting overflows the stack.

import { literalEnd, stringEnd } from '../json-tokens.js';

export interface PrettyJson {
  /** The lines, laid out as JSON.stringify(value, null, 2) lays them out, as far as the budget went. */
  lines: string[];
  /** False when the budget ran out first: the lines are the beginning only (the last one may be cut). */
  complete: boolean;
}

const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/**
 * The pretty lines of `text`, which must be valid JSON (JSON.parse accepted it), stopping once `maxChars` characters
 * (newlines counted) have been printed.
 */
export function prettyJsonLines(text: string, maxChars: number): PrettyJson {
  const lines: string[] = [];
  const indents = [''];
  const indent = (depth: number) => (indents[depth] ??= ' '.repeat(depth * 2));
  let room = maxChars;

  /** Adds one line; false (and the part that fits) once the budget is spent. */
  const emit = (line: string): boolean => {
    if (line.length + 1 > room) {
      // What fits of the line, and a mark where the printing stopped.
      lines.push(`${line.slice(0, Math.max(0, room - 1))}…`);
      room = 0;
      return false;
    }
    lines.push(line);
    room -= line.length + 1;
    return true;
  };

  const skipSpace = (from: number) => {
    let at = from;
    while (at < text.length && isSpace(text.charCodeAt(at))) at++;
    return at;
  };

  let depth = 0;
  let line = '';
  let at = skipSpace(0);
  while (at < text.length) {
    const char = text[at];
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      const next = skipSpace(at + 1);
      if (text[next] === close) {
        line += char + close;
        at = next + 1;
      } else {
        if (!emit(line + char)) return { lines, complete: false };
        depth++;
        line = indent(depth);
        at = next;
      }
    } else if (char === '}' || char === ']') {
      if (!emit(line)) return { lines, complete: false };
      depth--;
      line = indent(depth) + char;
      at++;
    } else if (char === ',') {
      if (!emit(`${line},`)) return { lines, complete: false };
      line = indent(depth);
      at++;
    } else if (char === ':') {
      line += ': ';
      at++;
    } else {
      const end = char === '"' ? stringEnd(text, at) : literalEnd(text, at);
      line += text.slice(at, end);
      at = end;
    }
    at = skipSpace(at);
  }
  return { lines, complete: emit(line) };
}
