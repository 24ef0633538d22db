// The bottom line: as many key hints as fit the width, the quit key always last.

import { Text } from 'ink';
import { KEY_BINDINGS, type Focus, type KeyBinding } from './keymap.js';

const EDIT_KEYS = 'Enter keep · Esc clear · Ctrl-C quit';
/** Examples of the filter's structured terms (docs/tui.md has the whole syntax). */
export const FILTER_TERMS = 'provider:stripe event:invoice status:5xx sig:invalid failed';

/** What the keys do where they go: the list's focus and whether a filter is set (Esc clears it only then). */
export interface FooterFocus {
  focus: Focus;
  filtered: boolean;
}

/** A key's word where the keys go now; null for a key that does nothing there. */
function hintFor(b: KeyBinding, { focus, filtered }: FooterFocus, following: boolean): string | null {
  // While paused, `p` is the way back to following.
  if (b.keys === 'p' && !following) return 'follow';
  if (focus === 'detail') return b.detailHint ?? b.hint;
  return b.listNeedsFilter && !filtered ? null : b.hint;
}

/**
 * Hints in order of importance, cut before the one that would overflow; `q quit` is always shown. Without a public URL
 * (`inspect`), `o open` would only say so: it is left out. Each key says what it does in the focus: in the detail
 * pane ↑↓ scroll it, and Esc is offered in the list only with a filter to clear.
 */
export function footerText(width: number, editing: boolean, following = true, publicUrl = true, where: FooterFocus = { focus: 'list', filtered: false }): string {
  if (editing) {
    const withTerms = `type to filter, or ${FILTER_TERMS} · ${EDIT_KEYS}`;
    return withTerms.length <= width ? withTerms : `type to filter · ${EDIT_KEYS}`;
  }
  const shown = publicUrl ? KEY_BINDINGS : KEY_BINDINGS.filter((b) => b.keys !== 'o');
  const [quit, ...rest] = shown.flatMap((b) => {
    const hint = hintFor(b, where, following);
    return hint === null ? [] : [`${b.keys} ${hint}`];
  });
  const parts: string[] = [];
  let used = quit.length;
  for (const part of rest) {
    if (used + part.length + 2 > width) break;
    parts.push(part);
    used += part.length + 2;
  }
  return [...parts, quit].join('  ');
}

/** The key hints line; filter hints (and terms, if they fit) while the filter is being typed. */
export function Footer({
  width,
  editing,
  following,
  publicUrl = true,
  focus = 'list',
  filtered = false,
}: {
  width: number;
  editing: boolean;
  following: boolean;
  publicUrl?: boolean;
  focus?: Focus;
  filtered?: boolean;
}) {
  return (
    <Text wrap="truncate-end" dimColor>
      {footerText(width, editing, following, publicUrl, { focus, filtered })}
    </Text>
  );
}
