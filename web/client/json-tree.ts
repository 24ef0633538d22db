// Pretty JSON with folding: objects and arrays are <details> elements, so folding needs no script of ours.
// Keys and values go in as text nodes only.

import { el, type Child } from './dom.js';
import { isRawNumber } from './exact-json.js';

/** Past this many nodes the tree would slow the page; the caller shows plain pretty text instead. */
export const MAX_TREE_NODES = 20_000;
/** Containers deeper than this start folded. */
const OPEN_DEPTH = 4;

function countNodes(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= limit) {
    const v = stack.pop();
    count++;
    // One at a time, not spread into push(): an array of 500,000 numbers is more arguments than a call takes.
    if (v && typeof v === 'object' && !isRawNumber(v)) for (const child of Object.values(v as object)) stack.push(child);
  }
  return count;
}

/**
 * The spaces of indentation JSON.stringify(value, null, 2) would print, counted until past `limit`. Nesting indents
 * every line inside it, so this, not the body's size, is what makes the pretty text large: 250 KB nested 1,500 deep
 * prints as 374 million characters, which freezes the tab.
 */
export function indentChars(value: unknown, limit: number): number {
  let total = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0 && total <= limit) {
    const [v, depth] = stack.pop()!;
    // The line the value starts on, and an array's or object's closing line.
    total += 2 * depth;
    if (!v || typeof v !== 'object' || isRawNumber(v)) continue;
    const children = Object.values(v as object);
    if (children.length > 0) total += 2 * depth;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return total;
}

function scalar(value: unknown): HTMLElement {
  if (isRawNumber(value)) return el('span', { class: 'json-number', text: value.rawJSON });
  const kind = value === null ? 'null' : typeof value;
  return el('span', { class: `json-${kind}`, text: JSON.stringify(value) });
}

function keyLabel(key: string | number | null): Child[] {
  if (key === null) return [];
  return typeof key === 'number' ? [] : [el('span', { class: 'json-key', text: JSON.stringify(key) }), ': '];
}

function node(value: unknown, key: string | number | null, depth: number, last: boolean): HTMLElement {
  const comma = last ? '' : ',';
  if (value === null || typeof value !== 'object' || isRawNumber(value)) {
    return el('div', { class: 'json-line' }, [...keyLabel(key), scalar(value), comma]);
  }
  const isArray = Array.isArray(value);
  const entries: [string | number, unknown][] = isArray ? (value as unknown[]).map((v, i) => [i, v]) : Object.entries(value as object);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return el('div', { class: 'json-line' }, [...keyLabel(key), `${open}${close}${comma}`]);
  const count = `${entries.length} ${isArray ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'}`;
  const details = el('details', { class: 'json-node' }, [
    el('summary', {}, [...keyLabel(key), open, el('span', { class: 'json-count', text: ` ${count} ` }), el('span', { class: 'json-folded', text: `${close}${comma}` })]),
    el('div', { class: 'json-children' }, entries.map(([k, v], i) => node(v, isArray ? null : k, depth + 1, i === entries.length - 1))),
    el('div', { class: 'json-line json-close', text: `${close}${comma}` }),
  ]);
  details.open = depth < OPEN_DEPTH;
  return details;
}

/** A folding tree, or null when the value is too large for one (the caller falls back to pretty text). */
export function jsonTree(value: unknown): HTMLElement | null {
  if (countNodes(value, MAX_TREE_NODES) > MAX_TREE_NODES) return null;
  return el('div', { class: 'json-tree', attrs: { 'data-view': 'json' } }, [node(value, null, 0, true)]);
}
