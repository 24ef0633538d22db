// Applies the filter to the window's rows, reading bodies from the model only for words the summary does not match.

import { useMemo, useRef } from 'react';
import type { ExchangeSummary } from '../exchange.js';
import { WINDOW_SIZE } from './exchange-window.js';
import { bodiesMatch, isEmptyQuery, parseFilter, summaryMatches, termsMatch } from './filter.js';
import type { TuiModel } from './model.js';

const MAX_CACHED = 4 * WINDOW_SIZE;

/**
 * Rows that match `text`: every structured term on the summary, and every plain word on the summary or a body.
 * Body matches are cached per filter and id (finished exchanges never change), so a new frame only reads the
 * bodies of new rows.
 */
export function useFilteredRows(model: TuiModel, rows: readonly ExchangeSummary[], text: string): readonly ExchangeSummary[] {
  const cache = useRef({ key: '', matches: new Map<number, boolean>() });
  return useMemo(() => {
    const query = parseFilter(text);
    if (isEmptyQuery(query)) return rows;
    const key = JSON.stringify(query);
    if (cache.current.key !== key) cache.current = { key, matches: new Map() };
    const { matches } = cache.current;
    // Bounded like the window: a long session with a filter left on must not grow this without limit.
    if (matches.size > MAX_CACHED) matches.clear();
    return rows.filter((row) => {
      if (!termsMatch(row, query.terms)) return false;
      const rest = query.words.filter((word) => !summaryMatches(row, word));
      if (rest.length === 0) return true;
      const known = matches.get(row.id);
      if (known !== undefined) return known;
      const exchange = model.get(row.id);
      const match = exchange ? bodiesMatch(exchange, rest) : false;
      if (row.state !== 'pending') matches.set(row.id, match);
      return match;
    });
  }, [model, rows, text]);
}
