// Loads the selected exchange from the model and turns it into wrapped, sanitised detail lines.

import { useMemo } from 'react';
import type { ExchangeSummary } from '../exchange.js';
import { detailLines, type DetailTab } from './detail-lines.js';
import type { TuiModel } from './model.js';
import { wrapLines, type StyledLine } from './styled-line.js';

/**
 * Re-reads the exchange when the selected summary changes (a new object means the row was updated, e.g. a
 * pending exchange got its answer), and re-wraps only when the tab or width changes.
 */
export function useDetailLines(model: TuiModel, summary: ExchangeSummary | undefined, tab: DetailTab, width: number): StyledLine[] | undefined {
  const exchange = useMemo(() => (summary ? model.get(summary.id) : undefined), [model, summary]);
  return useMemo(() => (exchange ? wrapLines(detailLines(exchange, tab), width) : undefined), [exchange, tab, width]);
}
