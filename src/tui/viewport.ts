// Where the list's selection and visible rows are, anchored by exchange id so new rows never move what you look at.

import type { ExchangeSummary } from '../exchange.js';

/** Index of the row with this id, or of the nearest older one (rows are newest first); 0 when none. */
export function locate(rows: readonly ExchangeSummary[], id: number | undefined): number {
  if (id === undefined || rows.length === 0) return 0;
  let low = 0;
  let high = rows.length;
  // Binary search for the first row with an id at or below the wanted one.
  while (low < high) {
    const mid = (low + high) >> 1;
    if (rows[mid].id > id) low = mid + 1;
    else high = mid;
  }
  return Math.min(low, rows.length - 1);
}

export interface Viewport {
  /** Index of the selected row. */
  selected: number;
  /** Index of the first visible row. */
  top: number;
}

/** The selection's index and the first visible row, keeping the selection within `height` rows. */
export function viewport(rows: readonly ExchangeSummary[], selectedId: number | undefined, topId: number | undefined, height: number): Viewport {
  const selected = locate(rows, selectedId);
  let top = locate(rows, topId);
  if (selected < top) top = selected;
  if (selected >= top + height) top = selected - height + 1;
  top = Math.max(0, Math.min(top, rows.length - height));
  return { selected, top };
}
