// Two exchanges side by side: request line, headers (added, removed, changed) and the body diff, JSON-aware.

import { api } from './api.js';
import { el, type Child } from './dom.js';
import { openModal } from './modal.js';
import { statusText } from './detail.js';
import type { DiffResult, DiffSide, HeaderChange } from './types.js';

/** Long values (a whole added object) are cut: the diff shows where things changed, the detail shows them whole. */
const MAX_VALUE_CHARS = 160;
const show = (value: unknown) => {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
};

const head = (a: number, b: number, first: string) =>
  el('thead', {}, [el('tr', {}, [el('th', { class: 'op' }), el('th', { text: first }), el('th', { text: `#${a}` }), el('th', { text: `#${b}` })])]);

/** One line per value. */
const valuesCell = (values: string[]) => el('td', {}, values.map((v) => el('div', { text: v })));

function headerDiff({ added, removed, changed }: DiffResult['headers'], ids: [number, number]): HTMLElement {
  const row = (kind: string, mark: string, change: HeaderChange) =>
    el('tr', { class: kind }, [el('td', { text: mark }), el('td', { text: change.name }), valuesCell(change.a), valuesCell(change.b)]);
  const rows = [...removed.map((c) => row('removed', '−', c)), ...changed.map((c) => row('changed', '~', c)), ...added.map((c) => row('added', '+', c))];
  if (rows.length === 0) return el('p', { class: 'muted', text: 'headers are the same' });
  return el('table', { class: 'diff-table', attrs: { 'data-diff': 'headers' } }, [head(ids[0], ids[1], 'header'), el('tbody', {}, rows)]);
}

function bodyDiff(diff: DiffResult): Child {
  const body = diff.body;
  if (body.kind === 'bytes') return el('p', { attrs: { 'data-diff': 'bytes' }, text: `${body.same ? 'bodies are identical' : 'bodies differ'} (${body.reason})` });
  if (body.kind === 'json') {
    if (body.changes.length === 0) {
      // As `hooktunnel diff` says it: the same JSON in other bytes breaks a signature made over the other.
      const text = body.sameBytes ? 'bodies are identical, byte for byte' : 'the same JSON in other bytes (key order or whitespace): a signature over one does not hold for the other';
      return el('p', { attrs: { 'data-diff': 'json' }, text });
    }
    const table = el('table', { class: 'diff-table', attrs: { 'data-diff': 'json' } }, [
      head(diff.a.id, diff.b.id, 'JSON path'),
      el('tbody', {}, body.changes.map((c) =>
        el('tr', { class: c.change }, [el('td', { text: c.change === 'added' ? '+' : c.change === 'removed' ? '−' : '~' }), el('td', { class: 'path', text: c.path }), el('td', { text: show(c.a) }), el('td', { text: show(c.b) })]),
      )),
    ]);
    if (!body.truncated) return table;
    const more = `only the first ${body.changes.length.toLocaleString('en-US')} changes are listed; \`hooktunnel diff ${diff.a.id} ${diff.b.id}\` lists every one`;
    return el('div', {}, [table, el('p', { class: 'muted', attrs: { 'data-diff': 'truncated' }, text: more })]);
  }
  return el('pre', { class: 'diff-lines', attrs: { 'data-diff': 'text' } }, body.lines.map((l) => el('div', { class: l.op === '+' ? 'added' : l.op === '-' ? 'removed' : '', text: `${l.op} ${l.text}` })));
}

/** A side's result as the list says it, except that no answer is said in words: none yet, or none ever (interrupted). */
function result(side: DiffSide): string {
  if (side.state === 'pending') return 'no answer yet';
  // As `hooktunnel show` says it.
  if (side.state === 'interrupted') return 'interrupted: the recording process stopped before an answer arrived';
  return statusText(side);
}

export async function openDiff(a: number, b: number): Promise<void> {
  const diff = await api.diff(a, b);
  // The status first among what differs: a delivery the app refused beside one it took is why one diffs them.
  const line = (side: DiffSide) => `#${side.id}  ${side.method} ${side.path}  → ${result(side)}`;
  openModal(`diff #${a} ↔ #${b}`, [
    el('p', { class: 'diff-sides' }, [el('span', { class: 'removed', text: `− ${line(diff.a)}` }), el('br'), el('span', { class: 'added', text: `+ ${line(diff.b)}` })]),
    el('h3', { text: 'request headers' }),
    headerDiff(diff.headers, [a, b]),
    el('h3', { text: 'request body' }),
    bodyDiff(diff),
  ]);
}
