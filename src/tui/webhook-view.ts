// How a delivery reads in the TUI: the row's event label, signature mark and marks (dup, out of order, late), and
// the detail pane's webhook section.

import { attemptState } from '../delivery/attempt-state.js';
import { formatDuration } from '../duration.js';
import { formatTime } from '../output/format.js';
import type { ExchangeSummary, WebhookInfo } from '../exchange.js';
import { eventLabel, retryMark, rowMarks } from '../output/exchange-text.js';
import { sanitize } from '../sanitize.js';
import { slowAnswerNote } from '../webhooks/answer-deadline.js';
import { eventContextText, type EventContextItem } from '../webhooks/event-context.js';
import { signatureHint } from '../webhooks/missing-secret.js';
import type { Segment, StyledLine } from './styled-line.js';


/** The one-character signature mark: green ✓ valid, red ✗ invalid, blank when not checked. */
export function signatureMark(e: ExchangeSummary): Segment {
  if (e.webhook?.verification === 'valid') return { text: '✓', color: 'green' };
  if (e.webhook?.verification === 'invalid') return { text: '✗', color: 'red', bold: true };
  return { text: ' ' };
}

/** The path column's three parts; together exactly the column's width. */
export interface PathCell {
  /** The event label when known (`event` is true), else the path. */
  main: string;
  event: boolean;
  /** The path after an event label, when there is room; padding otherwise. */
  path: string;
  /** The delivery marks with a leading space, or ''. */
  marks: string;
}

/** The row's path column: the event label (or the path), then the path if there is room, then the marks. */
export function pathCell(e: ExchangeSummary, width: number): PathCell {
  const label = eventLabel(e);
  const path = sanitize(e.path);
  const marks = rowMarks(e).join(' ');
  // The marks are rare and say something is wrong, so the label gives way to them, not the other way round.
  const room = Math.max(0, width - (marks ? marks.length + 1 : 0));
  const main = clip(label || path, room);
  const left = room - main.length - 2;
  // After the event label: the path; after either: the hooktunnel.yml route that took it.
  const after = [label ? path : '', e.route ? `→ ${sanitize(e.route)}` : ''].filter(Boolean).join('  ');
  const rest = after && left >= 8 ? `  ${clip(after, left)}` : '';
  const shownMarks = marks ? ` ${marks}`.slice(0, width - room) : '';
  return { main, event: label !== '', path: rest.padEnd(room - main.length), marks: shownMarks };
}

function clip(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function whoLine(w: WebhookInfo, context: EventContextItem[]): StyledLine {
  const label: Segment = { text: 'webhook    ', dim: true };
  if (!w.provider) return [label, { text: 'no known provider', dim: true }];
  const line: StyledLine = [label, { text: sanitize(w.provider), color: 'magenta', bold: true }];
  if (w.eventType) line.push({ text: ` ${sanitize(w.eventType)}`, color: 'magenta' });
  if (w.eventId) line.push({ text: '  id ', dim: true }, { text: sanitize(w.eventId) });
  for (const item of context) {
    if (item.notice) line.push({ text: `  ${eventContextText(item, sanitize)}`, color: 'yellow', bold: true });
    else line.push({ text: `  ${item.label}${item.value === null ? '' : ' '}`, dim: true }, ...(item.value === null ? [] : [{ text: sanitize(item.value) }]));
  }
  return line;
}

function signatureLine(w: WebhookInfo): StyledLine {
  const label: Segment = { text: 'signature  ', dim: true };
  const reason = w.reason ? `: ${sanitize(w.reason)}` : '';
  const hint = signatureHint(w.reason, w.provider);
  const after = hint ? ` (${hint})` : '';
  if (w.verification === 'valid') return [label, { text: '✓ valid', color: 'green' }];
  if (w.verification === 'invalid') return [label, { text: '✗ invalid', color: 'red', bold: true }, { text: `${reason}${after}`, color: 'red' }];
  return [label, { text: `not checked${reason}${after}`, dim: true }];
}

/**
 * Where the automatic attempts stand (acknowledge mode, a queued request): which attempt, and the next one or that
 * there is none. A 502 that will be tried again must not read as the end. A time, not "retry in 2s": the pane is not
 * redrawn as the clock runs.
 */
function attemptNotes(e: ExchangeSummary, now: number): Segment[] {
  const state = attemptState(e);
  const notes: Segment[] = [];
  if (state.ackStatus !== undefined) notes.push({ text: `sender got ${state.ackStatus} (acknowledge mode)`, dim: true });
  if (state.attempt) notes.push({ text: state.attempt });
  if (state.nextAttemptAt !== undefined) {
    const due = state.nextAttemptAt > now ? `next attempt at ${formatTime(state.nextAttemptAt)}` : `next attempt due: a listen to ${sanitize(e.target)} sends it`;
    notes.push({ text: due, color: 'yellow' });
  } else if (state.gaveUp) notes.push({ text: `gave up: every attempt failed (R, or \`hooktunnel retry ${e.id}\`, sends it again)`, color: 'red' });
  return notes;
}

/** The attempts alone, under the response tab's outcome: a failure with a retry on its way says so where it shows. */
export function attemptsLine(e: ExchangeSummary, now = Date.now()): StyledLine | undefined {
  const notes = attemptNotes(e, now);
  return notes.length > 0 ? [{ text: 'delivery   ', dim: true }, ...joinNotes(notes)] : undefined;
}

const joinNotes = (notes: Segment[]): Segment[] => notes.flatMap((note, i): Segment[] => (i === 0 ? [note] : [{ text: ' · ', dim: true }, note]));

/**
 * The detail pane's webhook section: who sent which event, the signature in full; then the delivery: duplicate,
 * out of order, late, and the automatic attempts. `context`: whose event it is and in which mode (eventContext), which
 * only the body says; the summary alone has no body.
 */
export function webhookLines(e: ExchangeSummary, context: EventContextItem[] = [], now = Date.now()): StyledLine[] {
  const w = e.webhook;
  const lines = w ? [whoLine(w, context), signatureLine(w)] : [];
  const notes: string[] = [];
  if (w?.duplicateOf) notes.push(`duplicate of #${w.duplicateOf} (the same event id was delivered before)`);
  const retry = retryMark(e);
  if (retry) notes.push(retry);
  if (w?.outOfOrder) notes.push('out of order (a later event of the same shop, object or type arrived first)');
  const slow = slowAnswerNote(e);
  if (slow) notes.push(slow);
  if (e.lateByMs !== undefined) notes.push(`delivered late by ${formatDuration(e.lateByMs)} (it waited in the relay's queue)`);
  if (e.deliveredAfter !== undefined) notes.push(`delivered after #${e.deliveredAfter}, which was received later (this one was being retried)`);
  const segments: Segment[] = [...notes.map((text): Segment => ({ text, color: 'yellow' })), ...attemptNotes(e, now)];
  if (segments.length > 0) lines.push([{ text: 'delivery   ', dim: true }, ...joinNotes(segments)]);
  return lines;
}
