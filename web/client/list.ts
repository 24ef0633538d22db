// The exchange list: one row per exchange, newest first, updated in place when an exchange changes.

import { el, replaceChildren } from './dom.js';
import { formatDuration, formatListTime, formatSize } from './format.js';
import { statusClass, statusText } from './detail.js';
import type { Summary } from './types.js';

export interface ListHandlers {
  select(id: number): void;
  toggleMark(id: number): void;
  isMarked(id: number): boolean;
}

function label(s: Summary): string {
  const w = s.webhook;
  if (w?.provider && w.eventType) return `${w.provider} ${w.eventType}`;
  return w?.provider ?? '';
}

function marks(s: Summary): string {
  const out: string[] = [];
  if (s.route) out.push(`→ ${s.route}`);
  if (s.redacted.length) out.push('redacted');
  if (s.replayOf !== null) out.push(`↻#${s.replayOf}`);
  if (s.webhook?.duplicateOf) out.push(`dup #${s.webhook.duplicateOf}`);
  // Why the provider sent it again, where its headers say (Slack's `retry 1: http_timeout`).
  if (s.webhook?.retry) out.push(s.webhook.retry);
  if (s.webhook?.outOfOrder) out.push('out of order');
  if (s.lateByMs !== null) out.push(`late ${formatDuration(s.lateByMs)}`);
  if (s.attempts > 1) out.push(`${s.attempts} attempts`);
  // Its status is the app's late answer: the sender had hung up (as `ls` and the TUI mark it).
  if (s.senderGoneAfterMs !== undefined) out.push(`sender gone ${formatDuration(s.senderGoneAfterMs)}`);
  return out.join(' ');
}

function sigMark(s: Summary): HTMLElement {
  const v = s.webhook?.verification;
  return el('span', { class: `sig sig-${v ?? 'none'}`, text: v === 'valid' ? '✓' : v === 'invalid' ? '✗' : '' });
}

export function rowFor(s: Summary, handlers: ListHandlers, selected: boolean): HTMLTableRowElement {
  const status = statusText(s);
  const event = label(s);
  const checkbox = el('input', { attrs: { type: 'checkbox', title: 'mark for diff (x)', 'aria-label': `mark #${s.id} for diff` } });
  checkbox.checked = handlers.isMarked(s.id);
  checkbox.addEventListener('click', (event) => {
    event.stopPropagation();
    handlers.toggleMark(s.id);
  });
  const classes = ['row', selected ? 'selected' : '', s.state === 'failed' || (s.status ?? 0) >= 500 ? 'failed' : '', s.state === 'pending' ? 'pending' : ''];
  return el('tr', { class: classes.filter(Boolean).join(' '), attrs: { 'data-id': String(s.id) }, on: { click: () => handlers.select(s.id) } }, [
    el('td', { class: 'mark-cell' }, [checkbox]),
    el('td', { class: 'time', text: formatListTime(s.receivedAt) }),
    el('td', { class: 'method', text: s.method }),
    el('td', { class: 'what' }, [
      event ? el('span', { class: 'event', text: event }) : null,
      el('span', { class: 'path', text: s.path }),
      marks(s) ? el('span', { class: 'marks', text: marks(s) }) : null,
    ]),
    el('td', { class: statusClass(s) }, [status, ' ', sigMark(s)]),
    el('td', { class: 'duration', text: formatDuration(s.durationMs) }),
    el('td', { class: 'size', text: formatSize(s.request.size) }),
    el('td', { class: 'id', text: `#${s.id}` }),
  ]);
}

/** Redraws every row (after a load or a filter change). */
export function renderRows(body: HTMLElement, items: Summary[], handlers: ListHandlers, selectedId: number | null): void {
  replaceChildren(body, items.map((s) => rowFor(s, handlers, s.id === selectedId)));
}
