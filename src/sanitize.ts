// Makes untrusted text safe for a terminal: every control, escape, bidi and zero-width character becomes a visible escape.
// Ink does not do this (it passes OSC sequences through), and neither does console.log.
// Background: kubectl CVE-2021-25743 and git CVE-2024-52005 (terminal escape injection from remote data).

import { isUtf8 } from 'node:buffer';

// C0 controls except tab (and newline in multi-line text), DEL, C1 (U+0080–U+009F, which includes the 8-bit CSI U+009B),
// bidi marks, embeddings, overrides and isolates (the Arabic letter mark U+061C too), zero-width characters and the BOM,
// line/paragraph separators, interlinear annotation marks (U+FFF9–U+FFFB: text some terminals hide).
const UNSAFE_MULTI_LINE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;
const UNSAFE_SINGLE_LINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\x1b': '\\e' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * Escapes text that came from the network. Since ESC itself becomes `\e`, no CSI, OSC (including OSC 52
 * clipboard writes) or other sequence can survive. Newlines are kept only with `multiline`, for body views.
 */
export function sanitize(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? UNSAFE_MULTI_LINE : UNSAFE_SINGLE_LINE, escapeChar);
}

// What a terminal acts on instead of showing: C0 controls but tab, newline and carriage return; DEL; C1.
const TERMINAL_CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

/**
 * How raw bytes would reach a terminal: 'binary' (not UTF-8: a terminal reads stray bytes as it likes, 0x9b as CSI
 * in some), 'controls' (escape sequences, C1), or null when they would only be shown.
 */
export function terminalHazard(bytes: Buffer): 'binary' | 'controls' | null {
  if (!isUtf8(bytes)) return 'binary';
  return TERMINAL_CONTROLS.test(bytes.toString('utf8')) ? 'controls' : null;
}
