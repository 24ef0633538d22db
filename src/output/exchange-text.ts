// Plain-text views of exchanges: the live log line, the `ls` table and the `show` page. Network text is sanitised here.

import { headerValueText } from '../http-headers.js';
import chalk from 'chalk';
import { attemptState } from '../delivery/attempt-state.js';
import { formatDuration } from '../duration.js';
import { headerValue, type AttemptRecord, type Exchange, type ExchangeSummary, type HeaderPairs } from '../exchange.js';
import { isGzip } from '../gzip-body.js';
import { sanitize } from '../sanitize.js';
import { slowAnswerNote } from '../webhooks/answer-deadline.js';
import { challengeProblem } from '../webhooks/slack-challenge.js';
import { signatureHint } from '../webhooks/missing-secret.js';
import { eventContext, eventContextText } from '../webhooks/event-context.js';
import { webhookInputFromExchange } from '../webhooks/verify.js';
import { viewBody } from './body-view.js';
import { colorStatus, formatDateTime, formatSize, formatTime, listTimeColumn, padVisible, truncate } from './format.js';

const idLabel = (e: ExchangeSummary) => (e.id > 0 ? `#${e.id}` : '-');

/** "stripe payment_intent.succeeded", or '' when no provider was recognised. */
export function eventLabel(e: ExchangeSummary): string {
  const w = e.webhook;
  if (!w?.provider) return '';
  return sanitize([w.provider, w.eventType].filter(Boolean).join(' '));
}

/** The signature mark: ✓ valid, ✗ invalid, blank when not checked. */
export function signatureMark(e: ExchangeSummary): string {
  if (e.webhook?.verification === 'valid') return chalk.green('✓');
  if (e.webhook?.verification === 'invalid') return chalk.red('✗');
  return ' ';
}

/**
 * Why the provider sent it again, as its headers say (`retry 1: http_timeout` for Slack), escaped: the words are the
 * sender's. Shown beside `dup #n`, which says only that the event came before. Null when the provider did not say.
 */
export function retryMark(e: ExchangeSummary): string | null {
  return e.webhook?.retry ? sanitize(e.webhook.retry) : null;
}

/** Duplicate, provider's retry and out-of-order marks, for lines and the detail page. */
export function deliveryMarks(e: ExchangeSummary): string[] {
  const marks: string[] = [];
  if (e.webhook?.duplicateOf) marks.push(chalk.yellow(`duplicate of #${e.webhook.duplicateOf}`));
  const retry = retryMark(e);
  if (retry) marks.push(chalk.yellow(retry));
  if (e.webhook?.outOfOrder) marks.push(chalk.yellow('out of order'));
  if (e.requestIncomplete) marks.push(chalk.red(`request cut off after ${formatSize(e.requestSize)}: not delivered whole`));
  return marks;
}

/**
 * Compact marks for a list row (the TUI's, `ls`): `dup #12` for a repeated delivery (with the provider's `retry 1:
 * http_timeout` where its headers say why it sent it again), `out of order` for an event
 * older than one seen, `late 5.2s` for one that waited in the relay's queue, `after #14` for one that reached the app
 * after #14 (received later) because it was being retried, `sender gone 10.0s` for one whose sender hung up then,
 * before the app's answer (the row's status is the app's, recorded all the same), `retry pending` for one whose
 * failure (a 502!) is not the end: an automatic attempt is still to come (the header counts them; the row says which).
 */
export function rowMarks(e: ExchangeSummary): string[] {
  const marks: string[] = [];
  if (e.webhook?.duplicateOf) marks.push(`dup #${e.webhook.duplicateOf}`);
  const retry = retryMark(e);
  if (retry) marks.push(retry);
  if (e.webhook?.outOfOrder) marks.push('out of order');
  if (e.lateByMs !== undefined) marks.push(`late ${formatDuration(e.lateByMs)}`);
  if (e.deliveredAfter !== undefined) marks.push(`after #${e.deliveredAfter}`);
  if (e.senderGoneAfterMs !== undefined) marks.push(`sender gone ${formatDuration(e.senderGoneAfterMs)}`);
  if (e.nextAttemptAt !== undefined) marks.push('retry pending');
  return marks;
}

/** Late delivery, what the sender was told, attempts and the next retry: for lines and the detail page. */
export function deliveryNotes(e: ExchangeSummary, now = Date.now()): string[] {
  const notes: string[] = [];
  const slow = slowAnswerNote(e);
  if (slow) notes.push(chalk.yellow(slow));
  if (e.lateByMs !== undefined) notes.push(chalk.yellow(`delivered late by ${formatDuration(e.lateByMs)}`));
  if (e.resigned) notes.push(chalk.yellow('re-signed: its signature had aged past the provider\'s window'));
  if (e.deliveredAfter !== undefined) notes.push(chalk.yellow(`delivered after #${e.deliveredAfter}, which was received later`));
  const state = attemptState(e);
  if (state.ackStatus !== undefined) notes.push(chalk.dim(`sender got ${state.ackStatus} (ack)`));
  if (state.attempt) notes.push(state.attempt);
  if (state.nextAttemptAt !== undefined) {
    const wait = state.nextAttemptAt - now;
    // Past due: only a listen to this target sends it, and none may be running (`show` after the laptop slept said
    // "retry in 0.0ms" for ever).
    notes.push(chalk.yellow(wait > 0 ? `retry in ${formatDuration(wait)}` : `retry due: a listen to ${sanitize(e.target)} sends it`));
  } else if (state.gaveUp) notes.push(chalk.red('gave up'));
  return notes;
}
const duration = (e: ExchangeSummary) => (e.durationMs === null ? '-' : formatDuration(e.durationMs));

/** One line per finished exchange, for `listen` without the TUI. */
export function logLine(e: ExchangeSummary): string {
  const parts = [
    chalk.dim(formatTime(e.receivedAt)),
    padVisible(chalk.bold(e.method), 6),
    sanitize(e.path),
    ...(e.route ? [chalk.dim(`→ ${sanitize(e.route === '/' ? e.target : e.route)}`)] : []),
    ...(eventLabel(e) ? [chalk.magenta(eventLabel(e))] : []),
    colorStatus(e.status, e.state === 'failed'),
    duration(e),
    chalk.dim(idLabel(e)),
  ];
  if (e.webhook?.verification === 'valid') parts.push(chalk.green('✓ signature'));
  if (e.webhook?.verification === 'invalid') parts.push(chalk.red(`✗ signature: ${sanitize(e.webhook.reason ?? '')}`));
  parts.push(...deliveryMarks(e), ...deliveryNotes(e));
  if (e.replayOf) parts.push(chalk.dim(`(replay of #${e.replayOf})`));
  if (e.redacted?.length) parts.push(chalk.yellow('redacted'));
  if (e.errorCode) parts.push(chalk.red(`${sanitize(e.errorCode)}: ${sanitize(e.errorMessage ?? '')}`));
  return parts.join('  ');
}

/**
 * The `ls` table, newest first, fitted to a terminal's width. Piped (`ls | grep invoice.paid`) nothing is cut: no
 * screen to fit, and a cut event type or mark is one grep never finds.
 */
export function exchangeTable(rows: ExchangeSummary[], width = process.stdout.isTTY ? process.stdout.columns || 120 : Number.POSITIVE_INFINITY): string {
  // A ROUTE column only when some exchange came through a hooktunnel.yml route.
  // A loop, not Math.max(...rows): `ls -n 200000` over a busy store is more arguments than a call takes.
  const routeWidth = Math.min(20, rows.reduce((widest, e) => Math.max(widest, e.route ? e.route.length : 0), 0));
  // One clock for every row: the date shows on rows not from today, and the column is as wide as the widest.
  const { times, width: timeWidth } = listTimeColumn(rows.map((e) => e.receivedAt));
  const header = ['ID', 'TIME', 'METHOD', 'STATUS', 'DURATION', 'SIZE', 'SIG', ...(routeWidth ? ['ROUTE'] : []), 'PATH / EVENT'];
  const widths = [6, timeWidth, 7, 7, 9, 9, 3, ...(routeWidth ? [Math.max(5, routeWidth)] : [])];
  const pathWidth = Math.max(20, width - widths.reduce((a, b) => a + b + 2, 0));
  const lines = [chalk.dim(header.map((h, i) => (i < widths.length ? h.padEnd(widths[i]) : h)).join('  '))];
  for (const [i, e] of rows.entries()) {
    const status = e.state === 'interrupted' ? chalk.yellow('int') : e.requestIncomplete ? chalk.red('cut') : colorStatus(e.status, e.state === 'failed');
    lines.push(
      [
        String(e.id).padEnd(widths[0]),
        times[i].padEnd(widths[1]),
        padVisible(e.method.slice(0, 7), widths[2]),
        padVisible(status, widths[3]),
        duration(e).padEnd(widths[4]),
        formatSize(e.requestSize).padEnd(widths[5]),
        padVisible(signatureMark(e), widths[6]),
        ...(routeWidth ? [truncate(sanitize(e.route ?? '-'), widths[7]).padEnd(widths[7])] : []),
        pathColumn(e, pathWidth),
      ].join('  '),
    );
  }
  return lines.join('\n');
}

/**
 * Path and event, then the marks, which a long path never pushes out of view: a replay's original (`↻#4`, as the
 * web inspector's list has it) and the row marks, so a redelivery (`dup #3`) does not look like a new event.
 */
function pathColumn(e: ExchangeSummary, width: number): string {
  const mark = [...(e.replayOf ? [`↻#${e.replayOf}`] : []), ...rowMarks(e)].join('  ');
  const text = truncate([sanitize(e.path), eventLabel(e)].filter(Boolean).join('  '), Math.max(8, width - (mark ? mark.length + 2 : 0)));
  return mark ? `${text}  ${chalk.yellow(mark)}` : text;
}

/** ` (set --secret github=… or HOOKTUNNEL_SECRET_GITHUB)` after a missing secret, the rotation hint after a mismatch; else ''. */
function hintAfter(reason: string | null, provider: string | null): string {
  const hint = signatureHint(reason, provider);
  return hint ? ` (${hint})` : '';
}

function webhookLine(e: Exchange): string {
  const w = e.webhook!;
  const from = eventContext(webhookInputFromExchange(e))
    .map((item) => `  ${item.notice ? chalk.yellow(eventContextText(item, sanitize)) : eventContextText(item, sanitize)}`)
    .join('');
  const who = w.provider ? `${eventLabel(e)}${w.eventId ? ` (${sanitize(w.eventId)})` : ''}${from}` : 'no known provider';
  const signature =
    w.verification === 'valid'
      ? chalk.green('signature valid')
      : w.verification === 'invalid'
        ? chalk.red(`signature INVALID: ${sanitize(w.reason ?? '')}${hintAfter(w.reason, w.provider)}`)
        : chalk.dim(`signature not checked: ${sanitize(w.reason ?? '')}${hintAfter(w.reason, w.provider)}`);
  return [`webhook: ${who}`, signature, ...deliveryMarks(e)].join('  ');
}

function headerLines(headers: HeaderPairs): string[] {
  return headers.map(([name, value]) => `  ${chalk.cyan(sanitize(name))}: ${sanitize(headerValueText(value))}`);
}

function bodyLines(body: Buffer, headers: HeaderPairs, sha256: string | null, incomplete = false): string[] {
  const cut = incomplete ? [chalk.red(`  body INCOMPLETE: the exchange failed after ${body.length} bytes of it; the local app never got the request whole`)] : [];
  const view = viewBody(body, headerValue(headers, 'content-type'), isGzip(headers));
  if (view.kind === 'empty') return [...cut, chalk.dim('  (empty body)')];
  const title = chalk.dim(`  body: ${view.summary}${sha256 ? `, sha256 ${sha256.slice(0, 16)}…` : ''}`);
  return [...cut, title, ...view.lines.map((line) => `  ${line}`)];
}

/** The `show` page: request then response (or only one of them). */
export function exchangeDetail(e: Exchange, part: 'both' | 'request' | 'response' = 'both'): string {
  const lines: string[] = [];
  const route = e.route ? chalk.dim(`  (route ${sanitize(e.route)})`) : '';
  const title = `${chalk.bold(idLabel(e))}  ${chalk.bold(e.method)} ${sanitize(e.path)}  → ${sanitize(e.target)}${route}`;
  lines.push(title);
  const via = e.url ? `  via ${sanitize(e.url)}` : '';
  lines.push(chalk.dim(`received ${formatDateTime(e.receivedAt)}${via}${e.replayOf ? `  (replay of #${e.replayOf})` : ''}`));
  const outcome =
    e.state === 'interrupted'
      ? chalk.yellow('interrupted: the recording process stopped before an answer arrived')
      : `${colorStatus(e.status, e.state === 'failed')}  ${duration(e)}${e.errorCode ? chalk.red(`  ${sanitize(e.errorCode)}: ${sanitize(e.errorMessage ?? '')}`) : ''}`;
  lines.push(outcome);
  const notes = deliveryNotes(e);
  if (notes.length > 0) lines.push(notes.join('  '));
  if (e.sender) {
    const said = e.senderBody && e.senderBody.length > 0 ? ` ${sanitize(e.senderBody.toString('utf8'))}` : '';
    lines.push(chalk.dim(`sender was answered by the relay (${e.sender.reason === 'ack' ? 'acknowledge mode' : 'tunnel was away'}): ${e.sender.status}${said}`));
  }
  if (e.webhook) lines.push(webhookLine(e));
  const challenge = challengeProblem(e);
  if (challenge) lines.push(chalk.yellow(challenge));
  if (e.redacted?.length) lines.push(chalk.yellow(`stored redacted: ${e.redacted.map((r) => sanitize(r)).join(', ')}`));
  if (e.attemptHistory && e.attemptHistory.length > 0) lines.push('', chalk.bold('Attempts'), ...e.attemptHistory.map(attemptLine));
  lines.push('');
  // Body lines are joined by concatenation, never spread into push(): a pretty-printed JSON body can be hundreds of
  // thousands of lines (a 5 MB GitHub push), more arguments than a function call can take.
  let page = lines;
  if (part !== 'response') {
    page = page.concat(chalk.bold('Request'), headerLines(e.requestHeaders), bodyLines(e.requestBody, e.requestHeaders, e.requestSha256, e.requestIncomplete), '');
  }
  if (part !== 'request') {
    page = page.concat(chalk.bold('Response'));
    if (e.responseHeaders) {
      page = page.concat(headerLines(e.responseHeaders), bodyLines(e.responseBody ?? Buffer.alloc(0), e.responseHeaders, e.responseSha256));
    } else {
      page = page.concat(chalk.dim(e.errorCode ? '  (no response from the local app; hooktunnel answered with the error above)' : '  (no response yet)'));
    }
  }
  return page.join('\n');
}

function attemptLine(a: AttemptRecord): string {
  // Attempts are written once over, so one with neither status nor error got no answer: its listen stopped (kill -9)
  // mid-attempt. colorStatus's "…" would read as still running.
  const result = a.errorCode
    ? chalk.red(`${sanitize(a.errorCode)}: ${sanitize(a.errorMessage ?? '')}`)
    : a.status === null
      ? chalk.yellow('no answer (interrupted)')
      : colorStatus(a.status, false);
  const took = a.durationMs === null ? '' : `  ${formatDuration(a.durationMs)}`;
  const resigned = a.resigned ? chalk.dim('  re-signed') : '';
  return `  ${String(a.attempt).padStart(2)}  ${formatDateTime(a.startedAt)}  ${result}${took}${resigned}${a.trigger === 'manual' ? chalk.dim('  (hooktunnel retry)') : ''}`;
}
