// JSON for a terminal or a pipe: JSON.stringify escapes only C0 controls, so everything else sanitize() treats as
// unsafe is escaped too: DEL, C1 (U+0080–U+009F, which some terminals read as CSI), bidi marks, embeddings, overrides
// and isolates, zero-width characters and the BOM, line/paragraph separators, interlinear annotation marks. Still valid JSON.

import { randomUUID } from 'node:crypto';
import { JsonInteger } from '../json-exact.js';

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

const escapeUnsafe = (text: string) => text.replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function jsonText(value: unknown, indent?: number): string {
  return escapeUnsafe(JSON.stringify(value, null, indent));
}

/**
 * jsonText for values read from bodies by parseJsonExact: a JsonInteger (an id past 2^53) is written as the number it
 * is, digit for digit. Apart, so the JSON of every other output keeps JSON.stringify's fast path (no replacer).
 */
export function exactJsonText(value: unknown, indent?: number): string {
  // JSON.stringify cannot write a number it does not hold: each JsonInteger goes in as a marked string, unquoted after.
  const mark = `hooktunnel-integer-${randomUUID()}`;
  let marked = false;
  const text = JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, v: unknown) {
      const own = this[key];
      if (!(own instanceof JsonInteger)) return v;
      marked = true;
      return `${mark}${own.text}`;
    },
    indent,
  );
  return escapeUnsafe(marked ? text.replace(new RegExp(`"${mark}(-?\\d+)"`, 'g'), '$1') : text);
}
