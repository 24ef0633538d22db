// The detail pane: what the exchange was and what became of it, the webhook verdict, attempts, actions, and the
// request or response with headers in their order and case and the body views.

import { harUrl } from './api.js';
import { renderBody } from './body-view.js';
import { el, replaceChildren, type Child } from './dom.js';
import { formatDateTime, formatDuration, headerValueText } from './format.js';
import type { Detail, HeaderPairs, Summary } from './types.js';

export interface DetailActions {
  replay(id: number, resign: boolean): void;
  edit(detail: Detail): void;
  retry(id: number): void;
  curl(id: number): void;
  select(id: number): void;
  toggleMark(id: number): void;
  canWrite: boolean;
  isMarked(id: number): boolean;
}

export function statusText(s: Pick<Summary, 'state' | 'status' | 'error'>): string {
  if (s.state === 'pending') return 'pending';
  if (s.state === 'interrupted') return 'interrupted';
  if (s.status === null) return s.error ? `failed: ${s.error.code}` : 'failed';
  return String(s.status);
}

/**
 * The status's colour class: a failed exchange reads as failed whatever its code (an app's late 200 after the sender
 * hung up, which the sender never got), as the TUI's red `200!` does; else by the code's class.
 */
export function statusClass(s: Pick<Summary, 'state' | 'status' | 'error'>): string {
  return `status status-${s.state === 'failed' ? 'f' : statusText(s).charAt(0)}`;
}

function row(label: string, value: Child[], attrs: Record<string, string> = {}): HTMLElement {
  return el('div', { class: 'fact', attrs }, [el('span', { class: 'label', text: label }), el('span', { class: 'value' }, value)]);
}

function link(id: number, actions: DetailActions): HTMLElement {
  return el('a', { class: 'id-link', text: `#${id}`, attrs: { href: `#${id}` }, on: { click: (event) => (event.preventDefault(), actions.select(id)) } });
}

function webhookFacts(s: Summary, actions: DetailActions, detail: Detail): HTMLElement[] {
  const { signatureHint, eventContext, slowAnswer, challengeProblem } = detail;
  const w = s.webhook;
  const facts: HTMLElement[] = [];
  if (w) {
    // A live-mode event is a mark: worth noticing on a development tunnel.
    const context = eventContext.map((item) =>
      el('span', { class: item.notice ? 'mark' : undefined, attrs: { 'data-event-context': item.label }, text: `  ${item.value === null ? item.label : `${item.label} ${item.value}`}` }),
    );
    const who = w.provider ? [el('strong', { text: w.provider }), w.eventType ? ` ${w.eventType}` : '', w.eventId ? `  id ${w.eventId}` : '', ...context] : ['no known provider'];
    facts.push(row('webhook', who));
    const verdict = w.verification === 'valid' ? '✓ valid' : w.verification === 'invalid' ? '✗ invalid' : 'not checked';
    facts.push(
      row('signature', [el('span', { class: `sig sig-${w.verification}`, text: verdict }), w.reason ? el('span', { class: 'reason', text: `: ${w.reason}${signatureHint ? ` (${signatureHint})` : ''}` }) : null], {
        'data-signature': w.verification,
      }),
    );
  }
  const marks: Child[] = [];
  if (w?.duplicateOf) marks.push(el('span', { class: 'mark', attrs: { 'data-mark': 'duplicate' } }, ['duplicate of ', link(w.duplicateOf, actions), ' (same event id delivered before)']));
  if (w?.retry) marks.push(el('span', { class: 'mark', attrs: { 'data-mark': 'retry' }, text: w.retry }));
  if (w?.outOfOrder) marks.push(el('span', { class: 'mark', text: 'out of order (a later event of the same shop, object or type arrived first)' }));
  if (slowAnswer) marks.push(el('span', { class: 'mark', attrs: { 'data-mark': 'slow-answer' }, text: slowAnswer }));
  if (challengeProblem) marks.push(el('span', { class: 'mark', attrs: { 'data-mark': 'challenge' }, text: challengeProblem }));
  if (s.lateByMs !== null) marks.push(el('span', { class: 'mark', text: `delivered late by ${formatDuration(s.lateByMs)} (waited in the relay's queue)` }));
  if (s.sender) marks.push(el('span', { class: 'mark', text: `the relay answered the sender ${s.sender.status} (${s.sender.reason === 'ack' ? 'acknowledge mode' : 'listen was away'})` }));
  if (marks.length) facts.push(row('delivery', marks));
  return facts;
}

function headersTable(headers: HeaderPairs, part: string): HTMLElement {
  return el('table', { class: 'headers', attrs: { 'data-headers': part } }, [
    el('tbody', {}, headers.map(([name, value]) => el('tr', {}, [el('td', { class: 'name', text: name }), el('td', { class: 'value', text: headerValueText(value) })]))),
  ]);
}

function attemptsTable(detail: Detail): HTMLElement | null {
  if (detail.attempts.length === 0) return null;
  return el('div', { class: 'attempts' }, [
    el('h3', { text: `attempts (${detail.attempts.length})` }),
    el('table', {}, [
      el('tbody', {}, detail.attempts.map((a) =>
        el('tr', {}, [
          el('td', { text: `#${a.attempt}` }),
          el('td', { text: formatDateTime(a.startedAt) }),
          el('td', { text: a.resigned ? `${a.trigger}, re-signed` : a.trigger }),
          el('td', { text: a.status === null ? (a.errorCode ?? 'no answer') : String(a.status) }),
          el('td', { text: formatDuration(a.durationMs) }),
          el('td', { class: 'reason', text: a.errorMessage ?? '' }),
        ]),
      )),
    ]),
  ]);
}

function actionBar(detail: Detail, actions: DetailActions): HTMLElement {
  const id = detail.summary.id;
  const write: Record<string, string> = actions.canWrite ? {} : { disabled: '', title: 'open the URL hooktunnel printed (with ?k=…) to allow replays' };
  const button = (text: string, key: string, run: () => void, attrs: Record<string, string> = {}) =>
    el('button', { text, attrs: { 'data-action': key, ...attrs }, on: { click: run } });
  return el('div', { class: 'actions' }, [
    button('replay (r)', 'replay', () => actions.replay(id, false), write),
    button('replay re-signed', 'replay-resigned', () => actions.replay(id, true), write),
    button('edit & replay', 'edit', () => actions.edit(detail), write),
    button('retry', 'retry', () => actions.retry(id), write),
    button('copy as curl', 'curl', () => actions.curl(id)),
    el('a', { class: 'button', text: 'export HAR', attrs: { href: harUrl([id]), download: `hooktunnel-${id}.har`, 'data-action': 'har' } }),
    button(actions.isMarked(id) ? 'unmark for diff (x)' : 'mark for diff (x)', 'mark', () => actions.toggleMark(id)),
  ]);
}

/** Draws the detail of one exchange; `tab` picks request or response. */
export function renderDetail(host: HTMLElement, detail: Detail, actions: DetailActions, tab: 'request' | 'response', onTab: (tab: 'request' | 'response') => void): void {
  const s = detail.summary;
  const facts: HTMLElement[] = [
    row('received', [formatDateTime(s.receivedAt), s.url ? `  via ${s.url}` : '']),
    row('result', [el('span', { class: statusClass(s), text: statusText(s) }), s.durationMs !== null ? `  in ${formatDuration(s.durationMs)}` : '', s.error?.message ? `  ${s.error.message}` : ''], { 'data-result': '' }),
    row('forwarded to', [s.target, s.route ? `  (route ${s.route})` : ''], s.route ? { 'data-route': s.route } : {}),
  ];
  // What the page shows is not what the app got: replays would send [REDACTED].
  if (s.redacted.length) facts.push(row('stored redacted', [s.redacted.join(', ')], { 'data-redacted': '' }));
  if (s.replayOf !== null) facts.push(row('replay of', [link(s.replayOf, actions)]));
  if (s.attempts > 0) facts.push(row('attempts', [String(s.attempts), s.nextAttemptAt ? `, next at ${formatDateTime(s.nextAttemptAt)}` : '']));
  facts.push(...webhookFacts(s, actions, detail));

  const part = tab === 'response' && detail.response ? detail.response : detail.request;
  const which = part === detail.request ? 'request' : 'response';
  // An update of the same exchange (its result, its signature verdict) keeps the body view as it is: the reader
  // may be on page 40 of a large body or in the raw gzip bytes.
  const bodyKey = `${s.id}:${which}:${part.body.sha256}:${part.body.size}`;
  const kept = host.dataset.bodyKey === bodyKey ? host.querySelector<HTMLElement>(':scope > .body') : null;
  const bodyHost = kept ?? el('div', { class: 'body', attrs: { 'data-body': which } });
  host.dataset.bodyKey = bodyKey;
  const tabs = el('div', { class: 'tabs' }, [
    el('button', { class: which === 'request' ? 'tab active' : 'tab', text: 'request', attrs: { 'data-tab': 'request' }, on: { click: () => onTab('request') } }),
    el('button', {
      class: which === 'response' ? 'tab active' : 'tab',
      text: detail.response ? 'response' : 'response (none)',
      attrs: detail.response ? { 'data-tab': 'response' } : { 'data-tab': 'response', disabled: '' },
      on: { click: () => onTab('response') },
    }),
  ]);
  replaceChildren(host, [
    el('h2', { class: 'detail-title' }, [el('span', { class: 'method', text: s.method }), ' ', el('span', { class: 'path', text: s.path }), el('span', { class: 'id', text: `  #${s.id}` })]),
    el('div', { class: 'facts' }, facts),
    actionBar(detail, actions),
    attemptsTable(detail),
    tabs,
    el('h3', { text: `${which} headers (${part.headers.length})` }),
    headersTable(part.headers, which),
    el('h3', { text: `${which} body` }),
    bodyHost,
  ]);
  if (kept) return;
  void renderBody(bodyHost, { id: s.id, part: which, info: part.body }).catch((error: Error) =>
    replaceChildren(bodyHost, [el('p', { class: 'error', text: `could not load the body: ${error.message}` })]),
  );
}
