// The inspector page: follows the live feed and wires the list (read by list-reader.ts), the detail pane, actions, filter
// and keys.

import { pageActions } from './actions.js';
import { api, ApiError, harUrl } from './api.js';
import { byId, el, replaceChildren } from './dom.js';
import { renderDetail } from './detail.js';
import { openDiff } from './diff-view.js';
import { bindKeys } from './keys.js';
import { renderRows, rowFor, type ListHandlers } from './list.js';
import { listReader, MAX_LIVE_ROWS } from './list-reader.js';
import type { Detail, Info, Summary } from './types.js';
import { visibleText } from './visible-text.js';

const state = {
  items: [] as Summary[],
  next: null as number | null,
  room: MAX_LIVE_ROWS,
  selected: null as number | null,
  tab: 'request' as 'request' | 'response',
  /** Up to two exchanges marked for the diff, oldest mark first. */
  marked: [] as number[],
  query: '',
  canWrite: false,
  detail: null as Detail | null,
  /** The first list has been read. */
  loaded: false,
  /** Going on down the store for rows the filter takes (none found yet, or "load older" found none yet). */
  searching: false,
  /** The header facts, once known: the empty list names what to do next from them. */
  info: null as Info | null,
};

const rows = byId<HTMLTableSectionElement>('rows');
const detailHost = byId<HTMLElement>('detail');
const filter = byId<HTMLInputElement>('filter');
const message = byId<HTMLElement>('message');

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  message.textContent = visibleText(text);
  message.className = kind;
}

const handlers: ListHandlers = {
  select: (id) => void select(id),
  toggleMark,
  isMarked: (id) => state.marked.includes(id),
};

function toggleMark(id: number): void {
  state.marked = state.marked.includes(id) ? state.marked.filter((m) => m !== id) : [...state.marked, id].slice(-2);
  drawList();
  drawToolbar();
  if (state.detail) drawDetail();
}

function drawList(): void {
  renderRows(rows, state.items, handlers, state.selected);
  drawMore();
  drawEmpty();
}

/** "load older", or how far a search down the store has got. */
function drawMore(): void {
  const more = byId<HTMLButtonElement>('more');
  more.hidden = state.next === null;
  more.disabled = state.searching;
  more.textContent = state.searching && state.next !== null ? `searching older exchanges… (at #${state.next})` : 'load older';
}

/**
 * What to do for a first exchange: under listen, send to its public URL (named once the relay gave it); `hooktunnel web`
 * has no tunnel, so a listen recording to the same database is what fills it.
 */
function nothingYet(info: Info | null): string {
  if (info?.mode === 'web') return `Nothing recorded in ${info.dbPath} yet. Run ${info.listenCommand} and what it receives appears here.`;
  return `No exchanges yet. Send a request to ${info?.publicUrl ?? 'the public URL'} and it appears here.`;
}

/** The line under an empty list: nothing recorded yet, or nothing the filter takes (which no new request may change). */
function drawEmpty(): void {
  const empty = byId('empty');
  empty.hidden = state.items.length > 0;
  if (state.searching) empty.textContent = visibleText(`None of the newest exchanges match the filter "${state.query}"; searching older ones…`);
  else empty.textContent = visibleText(state.query ? `No exchanges match the filter "${state.query}". Esc clears it.` : nothingYet(state.info));
}

function drawToolbar(): void {
  const diff = byId<HTMLButtonElement>('diff');
  diff.disabled = state.marked.length !== 2;
  diff.textContent = state.marked.length === 2 ? `diff #${state.marked[0]} ↔ #${state.marked[1]} (d)` : `diff (mark two: x)`;
  const ids = state.marked.length > 0 ? state.marked : state.items.slice(0, 200).map((s) => s.id);
  const har = byId<HTMLAnchorElement>('har');
  // Nothing to export: no link at all. `href="#"` with `download` saved the page itself as hooktunnel.har.
  if (ids.length) har.href = harUrl(ids);
  else har.removeAttribute('href');
  har.textContent = state.marked.length > 0 ? `export HAR (${state.marked.length} marked)` : ids.length ? `export HAR (${Math.min(state.items.length, 200)} shown)` : 'export HAR (none shown)';
}

function drawInfo(info: Info): void {
  state.info = info;
  drawEmpty();
  const parts = [
    el('strong', { text: 'hooktunnel' }),
    info.publicUrl ? el('span', { class: 'public-url', text: info.publicUrl }) : el('span', { class: 'muted', text: info.mode === 'web' ? 'store only, no tunnel' : 'connecting…' }),
    el('span', { class: 'muted', text: '→' }),
    el('span', { text: info.target }),
    info.connection ? el('span', { class: `connection conn-${info.connection}`, text: `● ${info.connection}` }) : null,
    el('span', { class: 'muted db', text: `db ${info.dbPath}` }),
  ];
  replaceChildren(byId('info'), parts);
}

function upsert(s: Summary): void {
  const at = state.items.findIndex((item) => item.id === s.id);
  if (at >= 0) {
    state.items[at] = s;
    rows.children[at]?.replaceWith(rowFor(s, handlers, s.id === state.selected));
    if (s.id === state.selected) void select(s.id, { keepTab: true });
    return;
  }
  if (state.query) return refreshSoon();
  // Newest first, each id in its place: exchanges finish in any order (a slow one keeps the lower id it got on
  // arrival, and another process's rows come a poll later), so a new id is not always the highest. Only one older
  // than everything loaded while older pages remain is left out: "load older" finds it there.
  const oldest = state.items[state.items.length - 1];
  if (oldest && s.id < oldest.id && state.next !== null) return;
  let place = state.items.findIndex((item) => item.id < s.id);
  if (place < 0) place = state.items.length;
  state.items.splice(place, 0, s);
  rows.insertBefore(rowFor(s, handlers, false), rows.children[place] ?? null);
  trimOldest();
  byId('empty').hidden = true;
  drawToolbar();
}

/** Past the list's room (MAX_LIVE_ROWS live rows since the last read), the oldest rows leave; "load older" brings them back. */
function trimOldest(): void {
  while (state.items.length > state.room) {
    state.items.pop();
    rows.lastElementChild?.remove();
    state.next = state.items[state.items.length - 1].id;
    byId('more').hidden = false;
  }
}

const reader = listReader(state, { drawList, drawToolbar, drawMore, drawEmpty, trimOldest, say });

let reloadTimer: number | undefined;
/** Reads the list once the filter has not changed for a moment (typing). */
function scheduleReload(): void {
  clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(() => {
    reloadTimer = undefined;
    void reader.load();
  }, 150);
}

/**
 * Reads the list soon after pruned rows, at most once per moment: unlike typing, news may never pause, and waiting
 * for a pause would never read it.
 */
function reloadSoon(): void {
  if (reloadTimer === undefined) scheduleReload();
}

let newsTimer: number | undefined;
/**
 * A new exchange under a filter (which only the server applies): the newest rows are read again soon, at most once per
 * moment (webhooks may never pause), and the matches among them join the list. Not a reload: a search going on down a
 * large store would start over at each webhook and never end.
 */
function refreshSoon(): void {
  newsTimer ??= window.setTimeout(() => {
    newsTimer = undefined;
    void reader.refreshNewest();
  }, 150);
}

async function select(id: number, options: { keepTab?: boolean } = {}): Promise<void> {
  if (state.selected !== id) {
    state.selected = id;
    if (!options.keepTab) state.tab = 'request';
    for (const row of rows.querySelectorAll('tr.selected')) row.classList.remove('selected');
    const row = rows.querySelector(`tr[data-id="${id}"]`);
    row?.classList.add('selected');
    row?.scrollIntoView({ block: 'nearest' });
    // In the address: a reload (or a restarted hooktunnel's page) comes back to it. Replaced, so Back leaves the page.
    if (location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
  }
  try {
    const detail = await api.detail(id);
    if (state.selected !== id) return;
    state.detail = detail;
    drawDetail();
  } catch (error) {
    if (state.selected !== id) return;
    if (error instanceof ApiError && error.status === 404) return forget(id);
    replaceChildren(detailHost, [el('p', { class: 'error', text: `could not load #${id}: ${(error as Error).message}` })]);
  }
}

/** The exchange was deleted (`hooktunnel prune`, `listen --keep`): its row goes, and the detail says why. */
function forget(id: number): void {
  const at = state.items.findIndex((s) => s.id === id);
  if (at >= 0) {
    state.items.splice(at, 1);
    rows.children[at]?.remove();
  }
  state.marked = state.marked.filter((m) => m !== id);
  drawToolbar();
  drawEmpty();
  if (state.selected === id) {
    state.detail = null;
    delete detailHost.dataset.bodyKey;
    replaceChildren(detailHost, [el('p', { class: 'muted', attrs: { 'data-gone': String(id) }, text: `#${id} is no longer in the database (pruned).` })]);
  }
}

/** Rows were deleted by some process: the list is read again, and the exchange on show and the marked ones checked. */
function pruned(): void {
  reloadSoon();
  if (state.selected !== null) void select(state.selected, { keepTab: true });
  // A deleted mark would leave "diff" and "export HAR" pointing at an exchange that is gone.
  for (const id of state.marked.filter((m) => m !== state.selected)) {
    api.detail(id).catch((error) => error instanceof ApiError && error.status === 404 && forget(id));
  }
}

function drawDetail(): void {
  if (!state.detail) return;
  renderDetail(detailHost, state.detail, actions, state.tab, (tab) => ((state.tab = tab), drawDetail()));
}

const actions = pageActions({
  canWrite: () => state.canWrite,
  isMarked: (id) => state.marked.includes(id),
  select: (id) => void select(id),
  toggleMark,
  say,
});

/** The diff button, and the d key: with fewer than two marks, the key says how to make them. */
function diffMarked(): void {
  if (state.marked.length !== 2) return say('mark two exchanges with x (or their checkboxes), then press d to diff them', 'error');
  void openDiff(state.marked[0], state.marked[1]).catch((error: Error) => say(error.message, 'error'));
}

function moveSelection(step: number): void {
  if (state.items.length === 0) return;
  const at = state.items.findIndex((s) => s.id === state.selected);
  const next = at < 0 ? 0 : Math.min(state.items.length - 1, Math.max(0, at + step));
  void select(state.items[next].id);
}

function follow(): void {
  const events = new EventSource('/api/events');
  const live = byId('live');
  let info: Info | null = null;
  events.addEventListener('exchanges', (event) => {
    for (const exchange of JSON.parse((event as MessageEvent<string>).data) as Summary[]) upsert(exchange);
  });
  events.addEventListener('pruned', pruned);
  events.addEventListener('info', (event) => {
    info = JSON.parse((event as MessageEvent<string>).data) as Info;
    drawInfo(info);
  });
  events.addEventListener('open', () => {
    live.classList.add('on');
    live.textContent = 'live';
    live.title = 'live feed connected';
    // Back after a drop (or connected only after the list was read): what was recorded meanwhile never came on it.
    if (state.loaded) void resync();
  });
  // The hooktunnel process stopped (or is restarting): the tunnel's last state ("● online") is not news any more.
  // The browser keeps trying; once back, the server sends its info again.
  events.addEventListener('error', () => {
    live.classList.remove('on');
    live.textContent = 'disconnected';
    live.title = 'lost the connection to hooktunnel (stopped?); reconnecting';
    if (info?.connection) drawInfo({ ...info, connection: 'disconnected' });
  });
}

/** Whether this browser may replay: asked again after a restart, since each hooktunnel run has its own secret. */
async function checkSession(): Promise<void> {
  const session = await api.session();
  state.canWrite = session.canWrite;
  byId('readonly').hidden = session.canWrite;
}

/**
 * Back on the feed after a drop (hooktunnel restarted, the laptop slept): the list is read again for the rows
 * recorded meanwhile, the exchange on show for its result, and the session for the new run's secret.
 */
async function resync(): Promise<void> {
  try {
    await checkSession();
  } catch {
    // The list below says what went wrong.
  }
  await reader.load();
  if (state.selected !== null) await select(state.selected, { keepTab: true });
}

async function main(): Promise<void> {
  filter.addEventListener('input', () => {
    state.query = filter.value.trim();
    scheduleReload();
  });
  byId('more').addEventListener('click', () => void reader.loadMore());
  byId('diff').addEventListener('click', diffMarked);
  bindKeys({
    down: () => moveSelection(1),
    up: () => moveSelection(-1),
    focusFilter: () => filter.focus(),
    clearFilter: () => {
      filter.value = '';
      state.query = '';
      filter.blur();
      void reader.load();
    },
    replay: () => state.selected !== null && actions.replay(state.selected, false),
    mark: () => state.selected !== null && toggleMark(state.selected),
    diff: diffMarked,
  });
  follow();
  const [info] = await Promise.all([api.info(), checkSession()]);
  drawInfo(info);
  await reader.load();
  state.loaded = true;
  selectFromAddress();
  window.addEventListener('hashchange', selectFromAddress);
  document.body.dataset.ready = 'true';
}

/** `/#12` shows #12: the address a reload keeps, or one typed. */
function selectFromAddress(): void {
  const id = /^#([1-9]\d*)$/.exec(location.hash)?.[1];
  if (id !== undefined && Number(id) !== state.selected) void select(Number(id));
}

void main();
