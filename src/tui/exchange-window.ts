// The bounded, newest-first window of exchange summaries the list shows; pure functions, so paging is testable.

import type { ExchangeSummary } from '../exchange.js';

/** Rows kept in memory at most; older ones stay in SQLite and come back on scroll. */
export const WINDOW_SIZE = 500;
/** Rows fetched from the store per page. */
export const PAGE_SIZE = 100;

export interface ExchangeWindow {
  /** Newest first, ids unique. */
  rows: readonly ExchangeSummary[];
  /** The window reaches the newest exchange, so live ones are inserted; false once scrolled far into history. */
  atHead: boolean;
  /** The store may hold exchanges older than the last row. */
  hasOlder: boolean;
}

/** `Store.list`, as the window needs it. */
export type ListPage = (options: { limit: number; beforeId?: number }) => ExchangeSummary[];

const byIdDesc = (a: ExchangeSummary, b: ExchangeSummary) => b.id - a.id;

/** The newest page: where every session starts, and where `p` (follow) returns to. */
export function headWindow(list: ListPage): ExchangeWindow {
  const rows = list({ limit: PAGE_SIZE });
  return { rows, atHead: true, hasOlder: rows.length === PAGE_SIZE };
}

/**
 * Applies a batch of live summaries: known ids are replaced in place (so unchanged rows keep their identity and
 * their memoised rendering), new ones are inserted when the window is at the head.
 */
export function applyLive(window: ExchangeWindow, batch: readonly ExchangeSummary[], keepId?: number, max = WINDOW_SIZE): ExchangeWindow {
  const incoming = new Map(batch.map((e) => [e.id, e]));
  const rows = window.rows.map((row) => {
    const update = incoming.get(row.id);
    if (!update) return row;
    incoming.delete(row.id);
    return update;
  });
  const oldest = rows.at(-1)?.id ?? 0;
  // Anything older than the window stays in the store; the list reaches it by paging.
  const fresh = window.atHead ? [...incoming.values()].filter((e) => !window.hasOlder || e.id > oldest) : [];
  if (fresh.length === 0) return { ...window, rows };
  return trim({ ...window, rows: [...rows, ...fresh].sort(byIdDesc) }, keepId, max);
}

/** Adds an older page below the window. */
export function appendOlder(window: ExchangeWindow, page: readonly ExchangeSummary[], keepId?: number, max = WINDOW_SIZE): ExchangeWindow {
  const oldest = window.rows.at(-1)?.id ?? Number.MAX_SAFE_INTEGER;
  const older = page.filter((e) => e.id < oldest);
  return trim({ ...window, rows: [...window.rows, ...older], hasOlder: page.length >= PAGE_SIZE }, keepId, max);
}

/** Adds a newer page above the window; `reachedHead` when it includes the newest exchange in the store. */
export function prependNewer(
  window: ExchangeWindow,
  page: readonly ExchangeSummary[],
  reachedHead: boolean,
  keepId?: number,
  max = WINDOW_SIZE,
): ExchangeWindow {
  const newest = window.rows[0]?.id ?? 0;
  const newer = page.filter((e) => e.id > newest).sort(byIdDesc);
  return trim({ ...window, rows: [...newer, ...window.rows], atHead: reachedHead }, keepId, max);
}

/**
 * Fetches the page just above the window's newest row. The store pages only backwards (ids below a bound), so
 * this asks for ids below newest + n, widening n over any gap until it finds something or passes the head.
 */
export function loadNewer(window: ExchangeWindow, list: ListPage): ExchangeWindow {
  const newest = window.rows[0]?.id ?? 0;
  const head = list({ limit: 1 })[0]?.id ?? 0;
  if (head <= newest) return { ...window, atHead: true };
  let span = PAGE_SIZE;
  for (;;) {
    const bound = Math.min(head, newest + span);
    const page = list({ limit: PAGE_SIZE, beforeId: bound + 1 }).filter((e) => e.id > newest);
    if (page.length > 0 || bound >= head) return prependNewer(window, page, page.some((e) => e.id === head));
    span *= 2;
  }
}

/** Keeps the window within `max` rows, cutting the end that is farther from the row to keep (the selection). */
function trim(window: ExchangeWindow, keepId: number | undefined, max: number): ExchangeWindow {
  const { rows } = window;
  if (rows.length <= max) return window;
  const keepIndex = keepId === undefined ? 0 : Math.max(0, rows.findIndex((e) => e.id === keepId));
  if (keepIndex < rows.length / 2) return { ...window, rows: rows.slice(0, max), hasOlder: true };
  return { ...window, rows: rows.slice(rows.length - max), atHead: false };
}
