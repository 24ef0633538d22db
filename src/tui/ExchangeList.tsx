// The exchange list, newest at the top: column titles, then the rows that fit (the caller passes only those).

import { Box, Text } from 'ink';
import type { ExchangeSummary } from '../exchange.js';
import { listTimeColumn } from '../output/format.js';
import { columnTitles, ExchangeRow } from './ExchangeRow.js';

export interface ExchangeListProps {
  /** The visible rows only: props stay small however long the list is. */
  rows: readonly ExchangeSummary[];
  selectedId: number | undefined;
  height: number;
  width: number;
  /** Shown when there are no rows. */
  emptyText: string;
}

/**
 * The list: column titles, then one memoised row per visible exchange. Times are read on the clock of this render, as
 * `ls` reads them: rows from before today (loaded from the store, or left over from before midnight in a listen kept
 * open overnight) carry their date, and the TIME column widens to the widest shown.
 */
export function ExchangeList({ rows, selectedId, height, width, emptyText }: ExchangeListProps) {
  const { times, width: timeWidth } = listTimeColumn(rows.map((e) => e.receivedAt));
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end" dimColor>
        {columnTitles(width, timeWidth)}
      </Text>
      {rows.length === 0 ? (
        emptyText.split('\n').map((text, index) => (
          <Text key={index} wrap="truncate-end" dimColor>
            {`  ${text}`}
          </Text>
        ))
      ) : (
        rows.map((e, i) => (
          <ExchangeRow key={e.id} exchange={e} selected={e.id === selectedId} width={width} time={times[i]} timeWidth={timeWidth} />
        ))
      )}
    </Box>
  );
}
