// JSON for a terminal or a pipe: JSON.stringify escapes only C0 controls, so DEL, C1 (U+0080–U+009F, which some
// terminals read as CSI), line separators and bidi controls from network data are escaped too. Still valid JSON.

const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
