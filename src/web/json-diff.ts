// Compares two bodies for the side-by-side view: structurally when both are JSON (src/diff/json-diff.ts: key order
// and whitespace do not count, a changed leaf is reported at its path), line by line when both are text, by digest
// otherwise.

import { isUtf8 } from 'node:buffer';
import { diffJson, jsonForDiff, type JsonChange } from '../diff/json-diff.js';


/** Bodies above this are compared by digest only; a line diff is quadratic in the worst case. */
export const MAX_DIFF_BYTES = 2 * 1024 * 1024;
const MAX_DIFF_LINES = 2_000;
/**
 * JSON changes past this are left out (`truncated`): two arrays of numbers can differ in a million places, a table
 * row each in the page (and seconds of listen's own time to find and send). `hooktunnel diff` lists them all.
 */
export const MAX_JSON_CHANGES = 1_000;

export type LineChange = { op: ' ' | '-' | '+'; text: string };

export type BodyDiff =
  /**
   * sameBytes: equal JSON can still be other bytes (key order, whitespace), and a signature over one fails the other.
   * `truncated`: only the first MAX_JSON_CHANGES changes are listed.
   */
  | { kind: 'json'; changes: JsonChange[]; sameBytes: boolean; truncated?: true }
  | { kind: 'text'; lines: LineChange[] }
  | { kind: 'bytes'; same: boolean; reason: string };

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

export function diffBodies(a: Buffer, b: Buffer): BodyDiff {
  if (a.length > MAX_DIFF_BYTES || b.length > MAX_DIFF_BYTES) {
    return { kind: 'bytes', same: a.equals(b), reason: 'too large for a line diff; compared byte for byte' };
  }
  if (!isUtf8(a) || !isUtf8(b)) return { kind: 'bytes', same: a.equals(b), reason: 'binary; compared byte for byte' };
  // The same structural diff as `hooktunnel diff` (paths like data.items[1]).
  const ja = jsonForDiff(a);
  const jb = jsonForDiff(b);
  if (ja !== undefined && jb !== undefined) {
    const changes = diffJson(ja, jb, MAX_JSON_CHANGES + 1);
    const sameBytes = a.equals(b);
    return changes.length > MAX_JSON_CHANGES ? { kind: 'json', changes: changes.slice(0, MAX_JSON_CHANGES), sameBytes, truncated: true } : { kind: 'json', changes, sameBytes };
  }
  const la = a.toString('utf8').split('\n');
  const lb = b.toString('utf8').split('\n');
  if (la.length * lb.length > MAX_DIFF_LINES * MAX_DIFF_LINES) {
    return { kind: 'bytes', same: a.equals(b), reason: 'too many lines for a line diff; compared byte for byte' };
  }
  return { kind: 'text', lines: diffLines(la, lb) };
}
