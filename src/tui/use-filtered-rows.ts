// Applies the filter to the window's rows, reading bodies from the model only for rows the summary does not match.

import { useMemo, useRef } from 'react';
import type { ExchangeSummary } from '../exchange.js';
import { WINDOW_SIZE } from './exchange-window.js';
import { bodyMatches, summaryMatches } from './filter.js';
import type { TuiModel } from './model.js';

const MAX_CACHED = 4 * WINDOW_SIZE;

/**
 * Rows that match `text`. Body matches are cached per filter text and id (finished exchanges never change), so
 * a new frame only reads the bodies of new rows.
 */
export function useFilteredRows(model: TuiModel, rows: readonly ExchangeSummary[], text: string): readonly ExchangeSummary[] {
  const cache = useRef({ text: '', matches: new Map<number, boolean>() });
  return useMemo(() => {
    const needle = text.trim().toLowerCase();
    if (!needle) return rows;
    if (cache.current.text !== needle) cache.current = { text: needle, matches: new Map() };
    const { matches } = cache.current;
    // Bounded like the window: a long session with a filter left on must not grow this without limit.
    if (matches.size > MAX_CACHED) matches.clear();
    return rows.filter((row) => {
      if (summaryMatches(row, needle)) return true;
      const known = matches.get(row.id);
      if (known !== undefined) return known;
      const exchange = model.get(row.id);
      const match = exchange ? bodyMatches(exchange, needle) : false;
      if (row.state !== 'pending') matches.set(row.id, match);
      return match;
    });
  }, [model, rows, text]);
}
