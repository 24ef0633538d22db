// The top two lines: public URL and target, relay connection state, counts and the database path.

import { Box, Text } from 'ink';
import { memo } from 'react';
import { sanitize } from '../sanitize.js';
import type { ConnectionStatus } from '../tunnel/tunnel-client.js';
import { countedRequests } from './exit-summary.js';
import type { HeaderInfo } from './model.js';

function connection(status: ConnectionStatus | null): { text: string; color: string } {
  if (!status) return { text: 'no tunnel', color: 'gray' };
  switch (status.state) {
    case 'online':
      return { text: '● online', color: 'green' };
    case 'connecting':
      return { text: '○ connecting', color: 'yellow' };
    case 'reconnecting':
      // Why, as the plain log says it: a wrong relay URL or a refused token must not look like a slow network.
      return { text: `○ reconnecting (attempt ${status.attempt})${status.error ? `: ${sanitize(status.error)}` : ''}`, color: 'yellow' };
    case 'offline':
      return { text: `✕ offline${status.error ? `: ${sanitize(status.error)}` : ''}`, color: 'red' };
  }
}

/** Header lines. Everything here may come from the relay or the database, so it is sanitised. */
export const Header = memo(function Header({ info }: { info: HeaderInfo }) {
  const state = connection(info.connection);
  const where =
    info.mode === 'listen'
      ? [{ text: sanitize(info.url ?? 'waiting for the relay…'), bold: true }, { text: ` → ${sanitize(info.target)}` }]
      : [{ text: 'recorded history', bold: true }, { text: ` · replays → ${sanitize(info.target)}` }];
  return (
    <Box flexDirection="column">
      {/* The URL gives way, not the connection state: a long URL must not hide "reconnecting" or "offline". */}
      <Box>
        <Text wrap="truncate-end">
          <Text bold color="green">
            hooktunnel{' '}
          </Text>
          {where.map((part, i) => (
            <Text key={i} bold={part.bold}>
              {part.text}
            </Text>
          ))}
        </Text>
        <Box flexShrink={0}>
          <Text wrap="truncate-end">
            {'  '}
            <Text color={state.color}>{state.text}</Text>
          </Text>
        </Box>
      </Box>
      <Text wrap="truncate-end" dimColor>
        {/* The list shows the store's history too (older failures included): these count only this session's. */}
        {`this session: ${countedRequests(info)} · `}
        <Text color={info.failures > 0 ? 'red' : undefined}>{`${info.failures} failed`}</Text>
        {info.storeErrors > 0 ? <Text color="red">{` · ${info.storeErrors} not recorded`}</Text> : null}
        {info.dropped ? <Text color="red" bold>{` · ${info.dropped} DROPPED (store full or locked)`}</Text> : null}
        {info.pendingRetries ? <Text color="yellow">{` · ${info.pendingRetries} retr${info.pendingRetries === 1 ? 'y' : 'ies'} pending`}</Text> : null}
        {` · db ${sanitize(info.dbPath)}`}
        {info.note ? ` · ${sanitize(info.note)}` : ''}
      </Text>
    </Box>
  );
});
