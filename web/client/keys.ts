// Keyboard: j/k (and arrows) move, / filters, r replays, x marks for diff, d diffs the two marked, Esc clears the
// filter, like the TUI.

import { modalOpen } from './modal.js';

export interface KeyActions {
  down(): void;
  up(): void;
  focusFilter(): void;
  clearFilter(): void;
  replay(): void;
  mark(): void;
  diff(): void;
}

export function bindKeys(actions: KeyActions): void {
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || modalOpen()) return;
    const target = event.target as HTMLElement;
    const typing = target.tagName === 'INPUT' || target.tagName === 'TEXTAREA';
    if (typing) {
      if (event.key === 'Escape' && target.id === 'filter') actions.clearFilter();
      if (event.key === 'Enter' && target.id === 'filter') target.blur();
      return;
    }
    const run: Record<string, () => void> = {
      j: actions.down,
      ArrowDown: actions.down,
      k: actions.up,
      ArrowUp: actions.up,
      '/': actions.focusFilter,
      r: actions.replay,
      x: actions.mark,
      d: actions.diff,
      Escape: actions.clearFilter,
    };
    const action = run[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
}
