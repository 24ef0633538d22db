// How the screen's rows are shared between the list and the detail pane, for any terminal height.

export interface Layout {
  /** Total lines the app draws. */
  height: number;
  listRows: number;
  /** Lines of detail content (0: the pane is hidden). */
  detailRows: number;
}

/** Header (2), list column titles (1), status line (1), footer (1). */
const CHROME = 5;
/** Below this many body lines the detail pane only appears when focused. */
const SPLIT_MIN = 14;

/**
 * One line short of the terminal: Ink clears and redraws the whole screen on every frame once its output fills the
 * terminal, which flickers. The list gets 40% when it has focus; the detail pane most of the screen when it has.
 */
export function computeLayout(terminalRows: number, focus: 'list' | 'detail'): Layout {
  const height = Math.max(CHROME + 2, terminalRows - 1);
  const body = height - CHROME;
  if (focus === 'list') {
    if (body < SPLIT_MIN) return { height, listRows: body, detailRows: 0 };
    const listRows = Math.floor(body * 0.4);
    return { height, listRows, detailRows: body - listRows - 1 };
  }
  const listRows = body < SPLIT_MIN ? 1 : Math.min(5, Math.floor(body / 4));
  return { height, listRows, detailRows: Math.max(1, body - listRows - 1) };
}
