// The exchange list, newest at the top: column titles, then the rows that fit (the caller passes only those).

import { Box, Text } from 'ink';
import type { ExchangeSummary } from '../exchange.js';
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

/** The list: column titles, then one memoised row per visible exchange. */
export function ExchangeList({ rows, selectedId, height, width, emptyText }: ExchangeListProps) {
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end" dimColor>
        {columnTitles(width)}
      </Text>
      {rows.length === 0 ? (
        emptyText.split('\n').map((text, index) => (
          <Text key={index} wrap="truncate-end" dimColor>
            {`  ${text}`}
          </Text>
        ))
      ) : (
        rows.map((e) => <ExchangeRow key={e.id} exchange={e} selected={e.id === selectedId} width={width} />)
      )}
    </Box>
  );
}
