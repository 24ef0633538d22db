// Syntax colour for pretty-printed JSON lines: keys, strings, numbers and literals, one token pattern per line.

import type { StyledLine } from './styled-line.js';

// A key ("...": ), a string, a number, or true/false/null. Lines come from JSON.stringify(…, null, 2) and
// have been sanitised, which keeps every string a single line and never introduces a raw quote.
const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

/** Splits one line of pretty JSON into coloured segments. */
export function colourJsonLine(text: string): StyledLine {
  const segments: StyledLine = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) segments.push({ text: text.slice(last, index) });
    const [, string, colon, number, literal] = match;
    if (string !== undefined && colon !== undefined) {
      segments.push({ text: string, color: 'cyan' }, { text: colon });
    } else if (string !== undefined) {
      segments.push({ text: string, color: 'green' });
    } else if (number !== undefined) {
      segments.push({ text: number, color: 'yellow' });
    } else if (literal !== undefined) {
      segments.push({ text: literal, color: 'magenta' });
    }
    last = index + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}
