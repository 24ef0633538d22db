// JSON for a terminal or a pipe: JSON.stringify escapes only C0 controls, so everything else sanitize() treats as
// unsafe is escaped too: DEL, C1 (U+0080–U+009F, which some terminals read as CSI), bidi marks, embeddings, overrides
// and isolates, zero-width characters and the BOM, line/paragraph separators, interlinear annotation marks. Still valid JSON.

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
