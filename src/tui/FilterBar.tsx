// The line above the footer: the filter being typed (example terms while empty) or applied, follow state, message.

import { Text } from 'ink';
import { sanitize } from '../sanitize.js';
import { FILTER_TERMS } from './Footer.js';

export interface FilterBarProps {
  filter: string;
  editing: boolean;
  /** The filter's words are still being looked for in bodies: more rows may appear. */
  searching?: boolean;
  /** Result of the last action (replay, copy, open), already safe to print. */
  message: string;
  following: boolean;
  /** "12 of 500" style position in the list. */
  position: string;
}

/** The status line above the footer. */
export function FilterBar({ filter, editing, searching = false, message, following, position }: FilterBarProps) {
  return (
    <Text wrap="truncate-end">
      {editing || filter ? (
        <Text color="cyan">{`/${sanitize(filter)}${editing ? '▌' : ''}  `}</Text>
      ) : null}
      {editing && !filter ? <Text dimColor>{`text or ${FILTER_TERMS}  `}</Text> : null}
      {searching ? <Text color="cyan" dimColor>{'searching…  '}</Text> : null}
      <Text color={following ? 'green' : 'yellow'}>{following ? '▶ following' : '❚❚ paused'}</Text>
      <Text dimColor>{`  ${position}`}</Text>
      {message ? <Text>{`  ${message}`}</Text> : null}
    </Text>
  );
}
