// Structural differences between two JSON values, by path: what was added, removed or changed.

import { JsonInteger } from '../json-exact.js';
import { formatJsonPath, parseJsonBody, type JsonPath } from '../match/json-path.js';

export interface JsonChange {
  /** `data.object.amount`, `items[2]`; `$` for the whole value. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** The value in the first body (absent when added). */
  a?: unknown;
  /** The value in the second body (absent when removed). */
  b?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Deeper than this, a body is not compared by path. Valid JSON may nest as deep as it likes (20 000 levels are 40 KB),
 * and diffJson, like JSON.stringify printing a changed value, takes a stack frame per level: a sender's body must not
 * overflow the stack (`diff` crashing, the inspector answering 500). Real webhooks nest a handful of levels.
 */
export const MAX_DIFF_DEPTH = 1000;

/** True when the body's arrays and objects nest deeper than MAX_DIFF_DEPTH (counted on the bytes, strings skipped). */
function nestsTooDeep(body: Buffer): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > MAX_DIFF_DEPTH) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}

/** The JSON value of a body to compare by path, or undefined: not JSON, or nested too deep for it. */
export function jsonForDiff(body: Buffer): unknown {
  return nestsTooDeep(body) ? undefined : parseJsonBody(body);
}

/**
 * Every difference, depth first, keys in the first value's order and then the second's new ones; only the first
 * `limit` when given (a view that lists a page of them need not find the 200,000 of two arrays of numbers).
 */
export function diffJson(a: unknown, b: unknown, limit = Infinity): JsonChange[] {
  const out: JsonChange[] = [];
  collect(a, b, [], out, limit);
  return out;
}

function collect(a: unknown, b: unknown, path: JsonPath, out: JsonChange[], limit: number): void {
  const add = (change: JsonChange) => out.length < limit && out.push(change);
  // An integer past 2^53 is its digits, not an object to walk.
  if (a instanceof JsonInteger || b instanceof JsonInteger) {
    const same = a instanceof JsonInteger && b instanceof JsonInteger && a.text === b.text;
    if (!same) add({ path: formatJsonPath(path), change: 'changed', a, b });
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      if (out.length >= limit) return;
      if (Object.hasOwn(b, key)) collect(a[key], b[key], [...path, key], out, limit);
      else add({ path: formatJsonPath([...path, key]), change: 'removed', a: a[key] });
    }
    for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) add({ path: formatJsonPath([...path, key]), change: 'added', b: b[key] });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const shared = Math.min(a.length, b.length);
    for (let i = 0; i < shared && out.length < limit; i++) collect(a[i], b[i], [...path, i], out, limit);
    for (let i = shared; i < a.length && out.length < limit; i++) add({ path: formatJsonPath([...path, i]), change: 'removed', a: a[i] });
    for (let i = shared; i < b.length && out.length < limit; i++) add({ path: formatJsonPath([...path, i]), change: 'added', b: b[i] });
    return;
  }
  if (!sameScalar(a, b)) add({ path: formatJsonPath(path), change: 'changed', a, b });
}

/** Scalars compare by value; an object against an array (or a scalar) is a change of the whole. */
function sameScalar(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (a === null || typeof a !== 'object') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
