// The selected exchange in detail: a request/response tab line, then the part of the wrapped lines that fits.

import { Box, Text } from 'ink';
import type { DetailTab } from './detail-lines.js';
import type { StyledLine } from './styled-line.js';

export interface DetailPaneProps {
  /** The visible lines only, already sanitised and wrapped to `width`; undefined when nothing is selected. */
  lines: readonly StyledLine[] | undefined;
  /** How many lines there are in all, and the index of the first visible one. */
  total: number;
  scroll: number;
  tab: DetailTab;
  height: number;
  width: number;
  focused: boolean;
}

/** The active tab is bracketed as well as inverted: with NO_COLOR (no styles at all) the brackets alone tell them apart. */
function TabLabel({ label, active }: { label: string; active: boolean }) {
  return (
    <Text bold={active} inverse={active} dimColor={!active}>
      {active ? `[${label}]` : ` ${label} `}
    </Text>
  );
}

/** The detail pane: a tab line with the scroll position, then the visible lines. */
export function DetailPane({ lines, total, scroll, tab, height, width, focused }: DetailPaneProps) {
  const position = total > height ? ` lines ${scroll + 1}-${Math.min(total, scroll + height)} of ${total}` : '';
  const rule = '─'.repeat(Math.max(0, width - 24 - position.length));
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end">
        <Text color={focused ? 'cyan' : undefined} dimColor={!focused}>
          {focused ? '▸ ' : '─ '}
        </Text>
        <TabLabel label="Request" active={tab === 'request'} />
        <TabLabel label="Response" active={tab === 'response'} />
        <Text dimColor>{` ${rule}${position}`}</Text>
      </Text>
      {lines === undefined ? (
        <Text dimColor>  nothing selected</Text>
      ) : (
        lines.map((segments, i) => (
          <Text key={scroll + i} wrap="truncate-end">
            {segments.length === 0
              ? ' '
              : segments.map((s, j) => (
                  <Text key={j} color={s.color} bold={s.bold} dimColor={s.dim}>
                    {s.text}
                  </Text>
                ))}
          </Text>
        ))
      )}
    </Box>
  );
}
