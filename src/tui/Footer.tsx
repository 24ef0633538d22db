// The bottom line: as many key hints as fit the width, the quit key always last.

import { Text } from 'ink';
import { KEY_BINDINGS } from './keymap.js';

const EDIT_KEYS = 'Enter keep · Esc clear · Ctrl-C quit';
/** Examples of the filter's structured terms (docs/tui.md has the whole syntax). */
export const FILTER_TERMS = 'provider:stripe event:invoice status:5xx sig:invalid failed';

/**
 * Hints in order of importance, cut before the one that would overflow; `q quit` is always shown. Without a public URL
 * (`inspect`), `o open` would only say so: it is left out.
 */
export function footerText(width: number, editing: boolean, following = true, publicUrl = true): string {
  if (editing) {
    const withTerms = `type to filter, or ${FILTER_TERMS} · ${EDIT_KEYS}`;
    return withTerms.length <= width ? withTerms : `type to filter · ${EDIT_KEYS}`;
  }
  // While paused, `p` is the way back to following.
  const shown = publicUrl ? KEY_BINDINGS : KEY_BINDINGS.filter((b) => b.keys !== 'o');
  const [quit, ...rest] = shown.map((b) => `${b.keys} ${b.keys === 'p' && !following ? 'follow' : b.hint}`);
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
export function Footer({ width, editing, following, publicUrl = true }: { width: number; editing: boolean; following: boolean; publicUrl?: boolean }) {
  return (
    <Text wrap="truncate-end" dimColor>
      {footerText(width, editing, following, publicUrl)}
    </Text>
  );
}
