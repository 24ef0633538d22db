// JSON parsed for display without rounding its integers: a JS number holds integers exactly only up to 2^53, and
// webhook ids go past it (Shopify's sample order 820982911946154508 would show as 820982911946154500). Where the browser
// gives a reviver the source text of each number and has JSON.rawJSON (Chromium 114+, Firefox 135+, Safari 18.4+), such
// a number is kept as raw JSON: the tree prints its source, JSON.stringify writes it as it was. Elsewhere, JSON.parse.

interface RawJsonApi {
  rawJSON?: (text: string) => unknown;
  isRawJSON?: (value: unknown) => boolean;
}
const json = JSON as JSON & RawJsonApi;

// Integers of 15 digits or fewer are all exact; only a body with a longer run of digits needs the (slower) reviver.
const LONG_DIGITS = /\d{16}/;

/** True for a number kept as raw JSON by parseExact; its text is `.rawJSON`. */
export function isRawNumber(value: unknown): value is { rawJSON: string } {
  return json.isRawJSON?.(value) ?? false;
}

/** JSON.parse, but a number that would print other than as written stays as written (where the browser can). */
export function parseExact(text: string): unknown {
  const rawJSON = json.rawJSON;
  if (!rawJSON || !LONG_DIGITS.test(text)) return JSON.parse(text);
  // Parsed once, with the reviver: a body of 1 MiB is not parsed a second time only to be thrown away.
  try {
    return JSON.parse(text, (_key, v: unknown, context?: { source?: string }) =>
      typeof v === 'number' && context?.source !== undefined && String(v) !== context.source ? rawJSON(context.source) : v,
    );
  } catch (error) {
    if (error instanceof SyntaxError) throw error;
    // A reviver follows nesting by recursion (RangeError past the stack): a body nested that deep is parsed plainly.
    return JSON.parse(text);
  }
}
