// The list's selection state and how keys change it. A reducer, so keys that arrive faster than frames all count.

import type { ExchangeSummary } from '../exchange.js';
import { viewport, type Viewport } from './viewport.js';

export interface Navigation {
  /** Auto-scroll: the selection stays on the newest row. */
  following: boolean;
  selectedId?: number;
  /** The row at the top of the visible list, so inserts above never shift the view. */
  topId?: number;
}

/** What a key asks of the list; the rows and height it saw travel along, since the reducer has no other view of them. */
export type NavigationAction =
  | { type: 'move'; rows: readonly ExchangeSummary[]; height: number; by: number }
  | { type: 'last'; rows: readonly ExchangeSummary[]; height: number }
  | { type: 'follow'; on: boolean; rows: readonly ExchangeSummary[]; height: number };

/** A new list follows the newest exchange. */
export const INITIAL_NAVIGATION: Navigation = { following: true };

/** Where the selection and the first visible row are now. */
export function currentView(nav: Navigation, rows: readonly ExchangeSummary[], height: number): Viewport {
  return nav.following ? { selected: 0, top: 0 } : viewport(rows, nav.selectedId, nav.topId, height);
}

function select(rows: readonly ExchangeSummary[], from: Viewport, index: number, height: number): Navigation {
  const next = Math.max(0, Math.min(rows.length - 1, index));
  const view = viewport(rows, rows[next].id, rows[from.top]?.id, height);
  return { following: false, selectedId: rows[next].id, topId: rows[view.top].id };
}

/** The reducer: applies a key's action to the selection state. */
export function navigate(nav: Navigation, action: NavigationAction): Navigation {
  const { rows, height } = action;
  const view = currentView(nav, rows, height);
  switch (action.type) {
    case 'move':
      return rows.length === 0 ? nav : select(rows, view, view.selected + action.by, height);
    case 'last':
      return rows.length === 0 ? nav : select(rows, view, rows.length - 1, height);
    case 'follow':
      if (action.on) return { following: true };
      return { following: false, selectedId: rows[view.selected]?.id, topId: rows[view.top]?.id };
  }
}
