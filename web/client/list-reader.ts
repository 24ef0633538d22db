// Reading the exchange list from the server: the first page, "load older", the search down a large store for a
// filter's matches, and the newest rows again under a filter. The page draws what they read (ListView).

import { api } from './api.js';
import type { Summary } from './types.js';

/** Rows the live feed may add to those the list's reads brought in: a long session must not grow the page without bound. */
export const MAX_LIVE_ROWS = 1000;

/** The list as the page holds it: the reads change it, the page draws it. */
export interface ListState {
  items: Summary[];
  /** The id to read older rows before; null once the whole store has been examined. */
  next: number | null;
  /**
   * The most rows the list holds: those its reads brought in (the first page, "load older") plus MAX_LIVE_ROWS. Set at
   * each read, so rows the user asked for are not trimmed by the next webhook.
   */
  room: number;
  query: string;
  /** Going on down the store for rows the filter takes (none found yet, or "load older" found none yet). */
  searching: boolean;
}

/** What the page does with what was read. */
export interface ListView {
  drawList(): void;
  drawToolbar(): void;
  /** "load older", or how far a search down the store has got. */
  drawMore(): void;
  drawEmpty(): void;
  /** Drops the oldest rows past the list's room. */
  trimOldest(): void;
  say(text: string, kind: 'error'): void;
}

export interface ListReader {
  /** Reads the list anew (the filter changed, the page reconnected, rows were pruned). */
  load(): Promise<void>;
  /** "load older". */
  loadMore(): Promise<void>;
  /** A new exchange under a filter (which only the server applies): the matches among the newest rows join the list. */
  refreshNewest(): Promise<void>;
}

export function listReader(state: ListState, view: ListView): ListReader {
  /** Bumped by each new read of the list: an answer for the filter as it was a moment ago is dropped, not drawn over it. */
  let listRead = 0;

  /** After a read: what it brought in stays, and the live feed may add MAX_LIVE_ROWS more. */
  function roomAfterRead(): void {
    state.room = state.items.length + MAX_LIVE_ROWS;
  }

  async function refreshNewest(): Promise<void> {
    const read = listRead;
    try {
      const page = await api.list(state.query);
      if (read !== listRead) return;
      const shown = new Set(state.items.map((s) => s.id));
      // Only rows in the part of the store the list has examined; older ones are "load older"'s.
      const fresh = page.items.filter((s) => !shown.has(s.id) && (state.next === null || s.id > state.next));
      if (fresh.length === 0) return;
      state.items = [...state.items, ...fresh].sort((a, b) => b.id - a.id);
      view.trimOldest();
      view.drawList();
      view.drawToolbar();
    } catch {
      // The next news, or a reconnect, reads it again.
    }
  }

  async function load(): Promise<void> {
    const read = ++listRead;
    state.searching = false;
    try {
      const page = await api.list(state.query);
      if (read !== listRead) return;
      state.items = page.items;
      state.next = page.next;
      roomAfterRead();
      view.drawList();
      view.drawToolbar();
      await readOlder(read, 0);
    } catch (error) {
      if (read === listRead) view.say(`could not load the list: ${(error as Error).message}`, 'error');
    }
  }

  async function loadMore(): Promise<void> {
    if (state.next === null || state.searching) return;
    const read = listRead;
    const had = state.items.length;
    try {
      const page = await api.list(state.query, state.next);
      if (read !== listRead) return;
      state.items.push(...page.items);
      state.next = page.next;
      roomAfterRead();
      view.drawList();
      await readOlder(read, had);
    } catch (error) {
      if (read === listRead) view.say(`could not load older exchanges: ${(error as Error).message}`, 'error');
    }
  }

  /**
   * The server examines at most 2,000 rows per request (listen forwards webhooks on the same thread), so a filter whose
   * matches are all older than that, the one 5xx among thousands of 200s, gets an empty page with more to examine. The
   * page goes on down the store until a row matches or none are left, saying so, instead of "No exchanges match".
   */
  async function readOlder(read: number, had: number): Promise<void> {
    if (state.items.length > had || state.next === null) return;
    state.searching = true;
    try {
      while (state.items.length === had && state.next !== null) {
        view.drawMore();
        view.drawEmpty();
        const page = await api.list(state.query, state.next);
        if (read !== listRead) return;
        state.items.push(...page.items);
        state.next = page.next;
        roomAfterRead();
      }
    } finally {
      if (read === listRead) {
        state.searching = false;
        view.drawList();
        view.drawToolbar();
      }
    }
  }

  return { load, loadMore, refreshNewest };
}
