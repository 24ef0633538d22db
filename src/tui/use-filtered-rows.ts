// Applies the filter to the window's rows: terms and summaries at once, bodies by a search that yields to forwarding.

import { useEffect, useMemo, useState } from 'react';
import type { ExchangeSummary } from '../exchange.js';
import { BodyVerdicts, searchBodies, type BodyJob } from './body-search.js';
import { isEmptyQuery, parseFilter, wordsForBodies, type FilterQuery } from './filter.js';
import type { TuiModel } from './model.js';

export interface FilteredRows {
  rows: readonly ExchangeSummary[];
  /** Bodies are still being searched: more rows may join the list. */
  searching: boolean;
}

/** The rows known to match, and those whose bodies are still to be read. */
function classify(rows: readonly ExchangeSummary[], query: FilterQuery, verdicts: BodyVerdicts) {
  const matching: ExchangeSummary[] = [];
  const unread: BodyJob[] = [];
  for (const row of rows) {
    const words = wordsForBodies(row, query);
    if (words === null) continue;
    const verdict = words.length === 0 ? true : verdicts.get(row);
    if (verdict === undefined) unread.push({ row, words });
    else if (verdict) matching.push(row);
  }
  return { matching, unread };
}

/**
 * Rows that match `text`: every structured term on the summary, and every plain word on the summary or a body. Rows
 * that need their bodies read join the list as the search finds them. Each keystroke's query cancels the search of
 * the one before; new rows under the same query only add their own bodies to it.
 */
export function useFilteredRows(model: TuiModel, rows: readonly ExchangeSummary[], text: string): FilteredRows {
  const parsed = parseFilter(text);
  const key = JSON.stringify(parsed);
  // The same terms and words (a trailing space, a term still without a value) are the same query: nothing restarts.
  const query = useMemo(() => parsed, [key]);
  // One set of verdicts per query.
  const verdicts = useMemo(() => new BodyVerdicts(), [query]);
  // Counts the search's reports (matches found, all done): each one has the list computed again.
  const [reports, setReports] = useState(0);
  // A failing read (the store gone) is rethrown in render, so Ink reports it as the bug it is.
  const [failure, setFailure] = useState<{ error: unknown }>();
  if (failure) throw failure.error;

  // Once per frame of rows (or search report; `reports` is a dependency on purpose: the verdicts it counts changed).
  const classified = useMemo(() => (isEmptyQuery(query) ? undefined : classify(rows, query, verdicts)), [rows, query, verdicts, reports]);

  // Started for new rows or a new query only, with the bodies this render found unread: a report is the running
  // search's own progress, not a reason to start another.
  useEffect(() => {
    const unread = classified?.unread ?? [];
    if (unread.length === 0) return;
    const controller = new AbortController();
    const report = () => setReports((n) => n + 1);
    searchBodies(unread, { read: (id) => model.get(id), verdicts, signal: controller.signal, onFound: report }).then(
      (finished) => finished && report(),
      (error: unknown) => setFailure({ error }),
    );
    return () => controller.abort();
  }, [model, rows, query, verdicts]);

  return useMemo(
    () => (classified ? { rows: classified.matching, searching: classified.unread.length > 0 } : { rows, searching: false }),
    [classified, rows],
  );
}
