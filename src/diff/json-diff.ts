// Structural differences between two JSON values, by path: what was added, removed or changed.

import { formatJsonPath, type JsonPath } from '../match/json-path.js';

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

/** Every difference, depth first, keys in the first value's order and then the second's new ones. */
export function diffJson(a: unknown, b: unknown, path: JsonPath = [], out: JsonChange[] = []): JsonChange[] {
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      if (Object.hasOwn(b, key)) diffJson(a[key], b[key], [...path, key], out);
      else out.push({ path: formatJsonPath([...path, key]), change: 'removed', a: a[key] });
    }
    for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) out.push({ path: formatJsonPath([...path, key]), change: 'added', b: b[key] });
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const shared = Math.min(a.length, b.length);
    for (let i = 0; i < shared; i++) diffJson(a[i], b[i], [...path, i], out);
    for (let i = shared; i < a.length; i++) out.push({ path: formatJsonPath([...path, i]), change: 'removed', a: a[i] });
    for (let i = shared; i < b.length; i++) out.push({ path: formatJsonPath([...path, i]), change: 'added', b: b[i] });
    return out;
  }
  if (!sameScalar(a, b)) out.push({ path: formatJsonPath(path), change: 'changed', a, b });
  return out;
}

/** Scalars compare by value; an object against an array (or a scalar) is a change of the whole. */
function sameScalar(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (a === null || typeof a !== 'object') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
