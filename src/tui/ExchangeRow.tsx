// One row of the exchange list, memoised: a new exchange re-renders only its own row, not every row.

import { Text } from 'ink';
import { memo } from 'react';
import { formatDuration } from '../duration.js';
import type { ExchangeSummary } from '../exchange.js';
import { formatSize, TIME_OF_DAY_WIDTH, truncate } from '../output/format.js';
import { sanitize } from '../sanitize.js';
import { statusColour, statusText } from './status-style.js';
import { pathCell, signatureMark } from './webhook-view.js';

/** Room left for an id like `#12345 ↻#12340`. */
const ID_WIDTH = 12;

/**
 * The path's width (it takes what the fixed columns leave); duration and size are dropped below 70 columns. The TIME
 * column is `timeWidth` wide: wider when a row shown is from another day and carries its date.
 */
export function rowColumns(width: number, timeWidth = TIME_OF_DAY_WIDTH): { path: number; wide: boolean } {
  const wide = width >= 70;
  const fixed = 2 + timeWidth + 1 + 8 + 1 + 7 + (wide ? 18 : 0) + 1 + ID_WIDTH;
  return { path: Math.max(8, width - fixed), wide };
}

/** The column titles, aligned with the rows. */
export function columnTitles(width: number, timeWidth = TIME_OF_DAY_WIDTH): string {
  const { path, wide } = rowColumns(width, timeWidth);
  const numbers = wide ? `${'DURATION'.padStart(8)} ${'SIZE'.padStart(8)} ` : '';
  // Below 12 columns for the path (a terminal under ~45 wide) the long title would push STATUS off its column.
  const pathTitle = path >= 'PATH / EVENT'.length ? 'PATH / EVENT' : 'PATH';
  return `  ${'TIME'.padEnd(timeWidth + 1)}${'METHOD'.padEnd(8)}${pathTitle.padEnd(path + 1)}${'STATUS'.padEnd(7)}${numbers} ID`;
}

export interface ExchangeRowProps {
  exchange: ExchangeSummary;
  selected: boolean;
  width: number;
  /** When it arrived, as the list shows it (formatListTime: the date too when not today), and the column's width. */
  time: string;
  timeWidth: number;
}

/**
 * One exchange: time (with the date when not from today), method, event label or path (with dup / out-of-order / late
 * marks), status with the signature mark, duration, size, id (and the original it replays).
 */
export const ExchangeRow = memo(function ExchangeRow({ exchange: e, selected, width, time, timeWidth }: ExchangeRowProps) {
  const { path, wide } = rowColumns(width, timeWidth);
  const duration = e.durationMs === null ? '-' : formatDuration(e.durationMs);
  const id = `#${e.id}${e.replayOf ? ` ↻#${e.replayOf}` : ''}`;
  const cell = pathCell(e, path);
  const mark = signatureMark(e);
  const status = statusText(e);
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {selected ? '› ' : '  '}
      <Text dimColor={!selected}>{`${time.padEnd(timeWidth)} `}</Text>
      <Text bold>{`${truncate(sanitize(e.method), 7).padEnd(7)} `}</Text>
      <Text color={cell.event ? 'magenta' : undefined}>{cell.main}</Text>
      <Text dimColor={!selected}>{cell.path}</Text>
      <Text color="yellow">{cell.marks}</Text>
      <Text color={statusColour(e)} bold={statusColour(e) === 'red'}>{` ${status} `}</Text>
      <Text color={mark.color} bold={mark.bold}>{mark.text}</Text>
      {' '.repeat(Math.max(0, 4 - status.length) + 1)}
      {wide ? `${duration.padStart(8)} ${formatSize(e.requestSize).padStart(8)} ` : ''}
      <Text dimColor={!selected}>{` ${id}`}</Text>
    </Text>
  );
});
