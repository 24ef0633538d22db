// prettyJsonLines lays JSON out as JSON.stringify(value, null, 2) does, a line at a time, and stops at its budget; but
// from the text, so numbers, strings and keys stay exactly as the sender wrote them.

import { describe, expect, it } from 'vitest';
import { prettyJsonLines } from '../../src/output/pretty-json.js';

const stringify = (text: string) => JSON.stringify(JSON.parse(text), null, 2).split('\n');

describe('prettyJsonLines', () => {
  it.each([
    ['a scalar', '42'],
    ['a string with escapes and a lone surrogate', '"a\\"b\\n\\u0000\\ud800 é\\\\"'],
    ['empty containers', '{"a":[],"b":{},"c":[[],{}]}'],
    ['nesting, key order and the last comma', '{"z":1,"a":{"b":[1,"x",null,true,false,{"c":-1.5e-7}]},"y":"\\\\\\""}'],
    ['a key named __proto__', '{"__proto__":{"x":1},"y":2}'],
    ['whitespace of every kind between tokens', ' \t{ "a" :\r\n [ 1 , { } , [ ] ] }\n'],
  ])('lays out %s as JSON.stringify does', (_, text) => {
    expect(prettyJsonLines(text, Infinity)).toEqual({ lines: stringify(text), complete: true });
  });

  it('keeps numbers, escapes, key order and repeated keys as written, where a parsed value would change them', () => {
    // Shopify's sample order id is past 2^53: parsed, it becomes 820982911946154500.
    const text = '{"id":820982911946154508,"b":1e400,"2":"integer keys stay put","b":1.50,"n":"caf\\u00e9\\/"}';
    expect(prettyJsonLines(text, Infinity).lines).toEqual([
      '{',
      '  "id": 820982911946154508,',
      '  "b": 1e400,',
      '  "2": "integer keys stay put",',
      '  "b": 1.50,',
      '  "n": "caf\\u00e9\\/"',
      '}',
    ]);
  });

  it('stops at the budget, newlines counted, and marks the line it cut', () => {
    const text = JSON.stringify({ a: 'x'.repeat(20), b: [1, 2, 3] });
    // '{' and '  "a": "xxxx…",' take 2 + 31 of the 40 with their newlines; 6 characters of '  "b": [' and the mark fit.
    const { lines, complete } = prettyJsonLines(text, 40);
    expect(complete).toBe(false);
    expect(lines).toEqual(['{', `  "a": "${'x'.repeat(20)}",`, '  "b":…']);
  });

  it('follows any nesting without recursion (100,000 levels) within its budget', () => {
    const { lines, complete } = prettyJsonLines(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 100_000);
    expect(complete).toBe(false);
    expect(lines.slice(0, 3)).toEqual(['[', '  [', '    [']);
    expect(lines.join('\n').length).toBeLessThanOrEqual(100_000);
  });
});
