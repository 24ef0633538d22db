// Text from a webhook as the page shows it: the characters that are invisible or that reorder what follows them
// become visible escapes, the same ones the TUI shows (src/sanitize.ts). A right-to-left override (U+202E) in a
// header or a JSON string would otherwise show `gnp.exe` as `exe.png`, and the inspector is where one checks bytes.
// Only what is shown: editor fields (textarea values) keep the real characters, so an edit sends them unchanged.

// C0 controls except tab, newline and carriage return; DEL; C1; bidi marks, embeddings, overrides and isolates (and the
// Arabic letter mark); zero-width characters and the BOM; line and paragraph separators; interlinear annotation marks.
const HIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

function escapeChar(ch: string): string {
  if (ch === '\x1b') return '\\e';
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

export function visibleText(text: string): string {
  return text.replace(HIDDEN, escapeChar);
}
