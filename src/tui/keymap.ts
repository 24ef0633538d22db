// Every key the TUI understands, in one list: the footer shows it and the README documents it.

/** Where the keys go: the list moves the selection, the detail pane scrolls. */
export type Focus = 'list' | 'detail';

export interface KeyBinding {
  keys: string;
  /** Short form for the footer, with the list focused. */
  hint: string;
  /** The footer's word with the detail pane focused, where the key does something else there (↑↓ scroll it). */
  detailHint?: string;
  /** In the list, the key does something only while a filter is set (Esc clears it): the footer leaves it out else. */
  listNeedsFilter?: true;
  /** Long form for the docs. */
  description: string;
}

/** In order of importance: a narrow footer shows the first ones (and always the quit key). */
export const KEY_BINDINGS: readonly KeyBinding[] = [
  { keys: 'q', hint: 'quit', description: 'quit (Ctrl-C too), restoring the terminal' },
  { keys: '↑↓/jk', hint: 'move', detailHint: 'scroll', description: 'move the selection (in the detail pane: scroll it)' },
  { keys: 'Enter', hint: 'detail', detailHint: 'list', description: 'focus the detail pane (again: back to the list)' },
  { keys: 'Tab', hint: 'req/res', description: 'switch the detail pane between request and response' },
  { keys: 'r', hint: 'replay', description: 'replay the selected exchange to the local target; the result is a new row marked ↻#id' },
  { keys: 'e', hint: 'edit', description: 'edit the request body in $VISUAL/$EDITOR, then replay it, re-signed when the secret is known; a new row marked ↻#id' },
  { keys: '/', hint: 'filter', description: 'filter by text and terms (provider:, event:, status:5xx, sig:invalid, failed); Enter keeps it, Esc clears it' },
  { keys: 'c', hint: 'curl', description: 'copy the request as a curl command (OSC 52 clipboard); also printed on exit' },
  { keys: 'o', hint: 'open', description: 'open the public URL in the browser' },
  { keys: 'p', hint: 'pause', description: 'pause or resume following new exchanges (the selection stays put while paused)' },
  {
    keys: 'R',
    hint: 'retry',
    description: 'retry the selected failed delivery, as hooktunnel retry: another attempt of the same row (its answer replaces the 502), not a new one',
  },
  { keys: 'Esc', hint: 'clear filter', detailHint: 'back', listNeedsFilter: true, description: 'clear the filter, or leave the detail pane' },
  { keys: 'PgUp/PgDn', hint: 'page', description: 'move or scroll by a page' },
  { keys: 'g/G', hint: 'newest/oldest', detailHint: 'top/bottom', description: 'jump to the newest row and follow / to the oldest loaded row (older pages load from the database as you go); in the detail pane: to its top / bottom' },
];
