// Stepping over the tokens of JSON text, for the readers that must see it as written (pretty-json, json-exact).

/** Index just past the string whose opening quote is at `start` (the text's end when it has none). */
export function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** A character of a number, `true`, `false` or `null`: a letter, a digit, `.`, `+` or `-`. */
function inLiteral(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x45 || code === 0x2e || code === 0x2b || code === 0x2d;
}

/** Index just past the number, `true`, `false` or `null` starting at `start`. */
export function literalEnd(text: string, start: number): number {
  let at = start;
  while (at < text.length && inLiteral(text.charCodeAt(at))) at++;
  return at;
}
