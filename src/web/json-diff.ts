// Compares two bodies for the side-by-side view: structurally when both are JSON (key order and whitespace do not
// count, a changed leaf is reported at its path), line by line when both are text, by digest otherwise.

import { isUtf8 } from 'node:buffer';

/** Bodies above this are compared by digest only; a line diff is quadratic in the worst case. */
export const MAX_DIFF_BYTES = 2 * 1024 * 1024;
const MAX_DIFF_LINES = 2_000;

export type JsonChange = { path: string; op: 'added' | 'removed' | 'changed'; a?: unknown; b?: unknown };
export type LineChange = { op: ' ' | '-' | '+'; text: string };

export type BodyDiff =
  | { kind: 'json'; changes: JsonChange[] }
  | { kind: 'text'; lines: LineChange[] }
  | { kind: 'bytes'; same: boolean; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `$.data.object["odd key"][3]` */
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Every difference between two JSON values, in the order of `a`'s keys then `b`'s new ones. */
export function diffJson(a: unknown, b: unknown, path = '$', out: JsonChange[] = []): JsonChange[] {
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      if (!(key in b)) out.push({ path: childPath(path, key), op: 'removed', a: a[key] });
      else diffJson(a[key], b[key], childPath(path, key), out);
    }
    for (const key of Object.keys(b)) if (!(key in a)) out.push({ path: childPath(path, key), op: 'added', b: b[key] });
  } else if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) diffJson(a[i], b[i], childPath(path, i), out);
    for (let i = common; i < a.length; i++) out.push({ path: childPath(path, i), op: 'removed', a: a[i] });
    for (let i = common; i < b.length; i++) out.push({ path: childPath(path, i), op: 'added', b: b[i] });
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push({ path, op: 'changed', a, b });
  }
  return out;
}

/** A longest-common-subsequence line diff. */
export function diffLines(a: string[], b: string[]): LineChange[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the common length of a[i..] and b[j..], one row at a time kept in a flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) out.push({ op: '-', text: a[i++] });
    else out.push({ op: '+', text: b[j++] });
  }
  while (i < n) out.push({ op: '-', text: a[i++] });
  while (j < m) out.push({ op: '+', text: b[j++] });
  return out;
}

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function diffBodies(a: Buffer, b: Buffer): BodyDiff {
  if (a.length > MAX_DIFF_BYTES || b.length > MAX_DIFF_BYTES) {
    return { kind: 'bytes', same: a.equals(b), reason: 'too large for a line diff; compared byte for byte' };
  }
  if (!isUtf8(a) || !isUtf8(b)) return { kind: 'bytes', same: a.equals(b), reason: 'binary; compared byte for byte' };
  if (a.length > 0 && b.length > 0) {
    const ja = parseJson(a);
    const jb = parseJson(b);
    if (ja.ok && jb.ok) return { kind: 'json', changes: diffJson(ja.value, jb.value) };
  }
  const la = a.toString('utf8').split('\n');
  const lb = b.toString('utf8').split('\n');
  if (la.length * lb.length > MAX_DIFF_LINES * MAX_DIFF_LINES) {
    return { kind: 'bytes', same: a.equals(b), reason: 'too many lines for a line diff; compared byte for byte' };
  }
  return { kind: 'text', lines: diffLines(la, lb) };
}
