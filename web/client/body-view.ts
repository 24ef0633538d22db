// One body in the detail pane: a summary line (size, type, SHA-256, download), view tabs (pretty JSON, form, text,
// hex; decoded or raw for gzip), and paging for bodies too large to load whole.

import { api, rawUrl } from './api.js';
import { el, replaceChildren } from './dom.js';
import { bytesLabel } from './format.js';
import { parseExact } from './exact-json.js';
import { hexDump } from './hex.js';
import { indentChars, jsonTree } from './json-tree.js';
import type { BodyInfo } from './types.js';

/** Bodies up to this size load whole and get every view; larger ones are paged. */
export const WHOLE_BODY_LIMIT = 1024 * 1024;
/** A page of a large body, as text. */
const TEXT_PAGE = 64 * 1024;
/** A page of a hex dump: 256 lines. */
const HEX_PAGE = 4 * 1024;
/**
 * A hex dump is five times the bytes as text: a 1 MB binary body took two seconds to lay out whole. Past this the
 * hex view is paged even for a body the other views show whole.
 */
const HEX_WHOLE_LIMIT = 64 * 1024;

type View = 'json' | 'form' | 'text' | 'hex';

interface Source {
  id: number;
  part: 'request' | 'response';
  info: BodyInfo;
}

const mediaType = (info: BodyInfo) => info.contentType.split(';')[0].trim().toLowerCase();

function views(info: BodyInfo, decoded: boolean): View[] {
  const size = decoded ? info.decodedSize! : info.size;
  if (!(decoded ? info.decodedUtf8 : info.utf8)) return ['hex'];
  const list: View[] = [];
  if (size <= WHOLE_BODY_LIMIT) {
    if (mediaType(info).includes('json') || mediaType(info) === '') list.push('json');
    if (mediaType(info) === 'application/x-www-form-urlencoded') list.push('form');
  }
  list.push('text', 'hex');
  return list;
}

/** A form field's value: a JSON object or array (Slack's interactivity `payload`) as a folding tree, else text. */
function formValue(value: string): HTMLElement {
  if (/^\s*[[{]/.test(value)) {
    try {
      const tree = jsonTree(parseExact(value));
      if (tree) return el('td', { class: 'value' }, [tree]);
    } catch {
      // Not JSON, or nested deeper than the tree can follow: the value as text.
    }
  }
  return el('td', { class: 'value', text: value });
}

function formTable(text: string): HTMLElement {
  const rows = [...new URLSearchParams(text)].map(([name, value]) => el('tr', {}, [el('td', { class: 'name', text: name }), formValue(value)]));
  return el('table', { class: 'form-table', attrs: { 'data-view': 'form' } }, [
    el('thead', {}, [el('tr', {}, [el('th', { text: 'field' }), el('th', { text: 'value' })])]),
    el('tbody', {}, rows),
  ]);
}

/** Past this much indentation the pretty text is not made: the body is shown as text, with TOO_LARGE_TO_PRETTY. */
const MAX_INDENT_CHARS = 8 * 1024 * 1024;
const TOO_LARGE_TO_PRETTY = 'shown as text: nested too deep to pretty-print here (every level indents each line inside it)';

/**
 * A folding tree, or pretty text when there are too many nodes for one; a note when neither fits, or when a body
 * that says it is JSON is not (the browser's reason, which names the position: why the app's JSON.parse failed too);
 * null for a body of no stated type that is not JSON.
 */
function prettyJson(text: string, declared: boolean): HTMLElement | string | null {
  let value: unknown;
  try {
    value = parseExact(text);
  } catch (error) {
    return declared ? `not valid JSON (${(error as Error).message}): shown as text` : null;
  }
  try {
    const tree = jsonTree(value);
    if (tree) return tree;
    if (indentChars(value, MAX_INDENT_CHARS) > MAX_INDENT_CHARS) return TOO_LARGE_TO_PRETTY;
    return el('pre', { class: 'body-text', attrs: { 'data-view': 'json' }, text: JSON.stringify(value, null, 2) });
  } catch {
    // Nested deeper than the browser's stack lets the tree (or JSON.stringify) follow, which a sender can post in 40 KB.
    return TOO_LARGE_TO_PRETTY;
  }
}

/** Renders a body into `host`; returns when the first view is on screen. */
export async function renderBody(host: HTMLElement, source: Source): Promise<void> {
  const { info } = source;
  const gzip = info.decodedSize !== null;
  let decoded = gzip;
  let view: View | undefined;
  let offset = 0;
  const content = el('div', { class: 'body-content' });
  const tabs = el('div', { class: 'tabs body-tabs' });
  const pager = el('div', { class: 'pager' });

  const size = () => (decoded ? info.decodedSize! : info.size);
  const summary = () => {
    const parts = [bytesLabel(info.size)];
    if (info.contentType) parts.push(info.contentType);
    if (info.contentEncoding) parts.push(`encoding ${info.contentEncoding}`);
    if (gzip) parts.push(`gzip → ${bytesLabel(info.decodedSize!)} decoded`);
    // What the app's body parser would trip on too ("incorrect header check"): said, as `hooktunnel show` says it.
    if (info.gzipProblem) parts.push(`labelled gzip, but ${info.gzipProblem}: shown as stored`);
    if (!(gzip ? info.decodedUtf8 : info.utf8)) parts.push('binary');
    return parts.join(' · ');
  };

  const draw = async () => {
    const all = views(info, decoded);
    if (!view || !all.includes(view)) view = all[0];
    const tabButtons = all.map((v) =>
      el('button', { class: v === view ? 'tab active' : 'tab', text: v === 'json' ? 'pretty' : v, attrs: { 'data-body-view': v }, on: { click: () => ((view = v), (offset = 0), void draw()) } }),
    );
    if (gzip) {
      tabButtons.push(
        el('button', {
          class: 'tab toggle',
          text: decoded ? 'show raw gzip' : 'show decoded',
          attrs: { 'data-body-toggle': 'gzip' },
          on: { click: () => ((decoded = !decoded), (offset = 0), void draw()) },
        }),
      );
    }
    replaceChildren(tabs, tabButtons);
    const whole = size() <= (view === 'hex' ? HEX_WHOLE_LIMIT : WHOLE_BODY_LIMIT);
    const pageSize = whole ? size() : view === 'hex' ? HEX_PAGE : TEXT_PAGE;
    const bytes = size() === 0 ? new Uint8Array() : await api.bytes(source.id, source.part, offset, pageSize, decoded);
    const text = () => new TextDecoder('utf-8').decode(bytes);
    let shown: HTMLElement | null = null;
    let note: string | null = null;
    if (size() === 0) shown = el('p', { class: 'muted', text: 'empty body' });
    else if (view === 'json') {
      const pretty = prettyJson(text(), mediaType(info).includes('json'));
      if (typeof pretty === 'string') note = pretty;
      else shown = pretty;
    } else if (view === 'form') shown = formTable(text());
    else if (view === 'hex') shown = el('pre', { class: 'body-hex', attrs: { 'data-view': 'hex' }, text: hexDump(bytes, offset) });
    shown ??= el('pre', { class: 'body-text', attrs: { 'data-view': 'text' }, text: text() });
    replaceChildren(content, note ? [el('p', { class: 'muted', attrs: { 'data-body-note': '' }, text: note }), shown] : [shown]);
    drawPager(whole, pageSize, bytes.length);
  };

  const drawPager = (whole: boolean, pageSize: number, got: number) => {
    if (whole) return replaceChildren(pager, []);
    const end = offset + got;
    replaceChildren(pager, [
      el('span', { class: 'muted', attrs: { 'data-pager': 'range' }, text: `bytes ${offset.toLocaleString('en-US')}–${end.toLocaleString('en-US')} of ${size().toLocaleString('en-US')} (large body: shown a page at a time)` }),
      el('button', { text: '◀ previous', attrs: offset === 0 ? { disabled: '' } : {}, on: { click: () => ((offset = Math.max(0, offset - pageSize)), void draw()) } }),
      el('button', { text: 'next ▶', attrs: end >= size() ? { disabled: '' } : {}, on: { click: () => ((offset = end), void draw()) } }),
    ]);
  };

  replaceChildren(host, [
    el('div', { class: 'body-summary' }, [
      el('span', { attrs: { 'data-body-summary': '' }, text: summary() }),
      el('span', { class: 'sha', title: 'SHA-256 of the bytes as received', text: `sha256 ${info.sha256}` }),
      el('a', { class: 'button', text: 'download raw', attrs: { href: rawUrl(source.id, source.part), download: `exchange-${source.id}-${source.part}.bin` } }),
    ]),
    tabs,
    pager,
    content,
  ]);
  await draw();
}
