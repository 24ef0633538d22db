// prettyJsonLines prints what JSON.stringify(value, null, 2) prints, a line at a time, and stops at its budget.

import { describe, expect, it } from 'vitest';
import { prettyJsonLines } from '../../src/output/pretty-json.js';

const stringify = (value: unknown) => JSON.stringify(value, null, 2).split('\n');

describe('prettyJsonLines', () => {
  it.each([
    ['a scalar', '42'],
    ['a string with escapes and a lone surrogate', '"a\\"b\\n\\u0000\\ud800 é"'],
    ['empty containers', '{"a":[],"b":{},"c":[[],{}]}'],
    ['nesting, key order and the last comma', '{"z":1,"a":{"b":[1,"x",null,true,false,{"c":-0}]},"2":"integer keys first"}'],
    ['a key named __proto__', '{"__proto__":{"x":1},"y":2}'],
    ['large and small numbers', '[1e400, 12345678901234567890, 0.1, -1.5e-7]'],
  ])('prints %s as JSON.stringify does', (_, text) => {
    const value: unknown = JSON.parse(text);
    expect(prettyJsonLines(value, Infinity)).toEqual({ lines: stringify(value), complete: true });
  });

  it('stops at the budget, newlines counted, and marks the line it cut', () => {
    const value = { a: 'x'.repeat(20), b: [1, 2, 3] };
    // '{' and '  "a": "xxxx…",' take 2 + 31 of the 40 with their newlines; 6 characters of '  "b": [' and the mark fit.
    const { lines, complete } = prettyJsonLines(value, 40);
    expect(complete).toBe(false);
    expect(lines).toEqual(['{', `  "a": "${'x'.repeat(20)}",`, '  "b":…']);
  });

  it('follows any nesting without recursion (100,000 levels) within its budget', () => {
    const deep: unknown = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const { lines, complete } = prettyJsonLines(deep, 100_000);
    expect(complete).toBe(false);
    expect(lines.slice(0, 3)).toEqual(['[', '  [', '    [']);
    expect(lines.join('\n').length).toBeLessThanOrEqual(100_000);
  });
});
