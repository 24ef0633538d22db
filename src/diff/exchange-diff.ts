// What differs between two recorded exchanges: method, path, status, request headers and request body.

import { sha256Hex } from '../store/sha256.js';
import type { Exchange, HeaderPairs } from '../exchange.js';
import { diffJson, jsonForDiff, type JsonChange } from './json-diff.js';

export interface ValueChange<T> {
  a: T;
  b: T;
}

export interface HeaderChange {
  name: string;
  /** Every value of the header, in order (duplicates kept). */
  a: string[];
  b: string[];
}

export interface BytesSide {
  size: number;
  sha256: string;
}

export type BodyDiff =
  /** `sameBytes` false with no changes: the same JSON value written differently (whitespace, key order, escapes). */
  | { kind: 'json'; changes: JsonChange[]; sameBytes: boolean }
  | { kind: 'bytes'; same: boolean; a: BytesSide; b: BytesSide };

export interface ExchangeDiff {
  a: number;
  b: number;
  /** Nothing differs (ignored headers aside). */
  same: boolean;
  method: ValueChange<string> | null;
  path: ValueChange<string> | null;
  status: ValueChange<number | null> | null;
  headers: { added: HeaderChange[]; removed: HeaderChange[]; changed: HeaderChange[] };
  body: BodyDiff;
}

/** Compares the requests (and the answer's status); `ignoreHeaders` are names left out, case-insensitive. */
export function diffExchanges(a: Exchange, b: Exchange, ignoreHeaders: string[] = []): ExchangeDiff {
  const change = <T>(x: T, y: T): ValueChange<T> | null => (x === y ? null : { a: x, b: y });
  const headers = diffHeaders(a.requestHeaders, b.requestHeaders, new Set(ignoreHeaders.map((h) => h.toLowerCase())));
  const body = diffBodies(a.requestBody, b.requestBody);
  const result: ExchangeDiff = {
    a: a.id,
    b: b.id,
    same: false,
    method: change(a.method, b.method),
    path: change(a.path, b.path),
    status: change(a.status, b.status),
    headers,
    body,
  };
  result.same =
    !result.method && !result.path && !result.status &&
    headers.added.length + headers.removed.length + headers.changed.length === 0 &&
    (body.kind === 'json' ? body.changes.length === 0 && body.sameBytes : body.same);
  return result;
}

/** Headers grouped by lower-case name; the name shown is the first spelling met. */
function group(headers: HeaderPairs, ignore: Set<string>): Map<string, HeaderChange> {
  const map = new Map<string, HeaderChange>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (ignore.has(key)) continue;
    const entry = map.get(key) ?? { name, a: [], b: [] };
    entry.a.push(value);
    map.set(key, entry);
  }
  return map;
}

/** Headers added, removed or changed from `a` to `b`: a repeated header differs when any of its values does. */
export function diffHeaders(a: HeaderPairs, b: HeaderPairs, ignore = new Set<string>()): ExchangeDiff['headers'] {
  const left = group(a, ignore);
  const right = group(b, ignore);
  const out: ExchangeDiff['headers'] = { added: [], removed: [], changed: [] };
  for (const [key, entry] of left) {
    const other = right.get(key);
    if (!other) out.removed.push({ name: entry.name, a: entry.a, b: [] });
    else if (entry.a.join('\n') !== other.a.join('\n') || entry.a.length !== other.a.length) out.changed.push({ name: entry.name, a: entry.a, b: other.a });
  }
  for (const [key, entry] of right) if (!left.has(key)) out.added.push({ name: entry.name, a: [], b: entry.a });
  return out;
}

/** JSON bodies by path; anything else (one side not JSON, or neither) by size and SHA-256. */
function diffBodies(a: Buffer, b: Buffer): BodyDiff {
  const x = jsonForDiff(a);
  const y = jsonForDiff(b);
  if (x !== undefined && y !== undefined) return { kind: 'json', changes: diffJson(x, y), sameBytes: a.equals(b) };
  const left = { size: a.length, sha256: sha256Hex(a) };
  const right = { size: b.length, sha256: sha256Hex(b) };
  return { kind: 'bytes', same: a.equals(b), a: left, b: right };
}
