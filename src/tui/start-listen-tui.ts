// Entry for `listen`, loaded with a dynamic import only when the TUI is used: builds the session model and mounts it.

import { exitSummary } from './exit-summary.js';
import { loadTui } from './load-tui.js';
import type { TuiHandle } from './run-tui.js';
import { SessionModel, type SessionModelOptions } from './session-model.js';

export interface ListenTuiOptions extends Omit<SessionModelOptions, 'note' | 'noteWith' | 'localOnly'> {
  /** The embedded relay: the URL works from this machine only. */
  localOnly: boolean;
  note?: string;
  /** About the embedded relay (shared, another port), read again after each notice: a takeover changes it. */
  relayNote?: () => string | undefined;
}

/**
 * The header's note: the caller's (the inspector's address first) leads, because the line is cut at the terminal's
 * width and that is the part to copy; then the embedded relay's warning.
 */
export function headerNote(note: string | undefined, localOnly: boolean): string | undefined {
  return [note, localOnly ? 'embedded relay: reachable from this machine only' : undefined].filter(Boolean).join('; ') || undefined;
}

/** Shows the live TUI for a session that is about to start; `done` resolves when the user quits. */
export async function startListenTui(options: ListenTuiOptions): Promise<TuiHandle> {
  const { startTui } = await loadTui();
  // A notice shows in the relay note's place for a while (SessionModel), then the relay note as it is by then.
  const withRelayNote = (notice: string | undefined) =>
    headerNote([options.note, notice ?? options.relayNote?.()].filter(Boolean).join('; ') || undefined, options.localOnly);
  const model = new SessionModel({ ...options, note: withRelayNote(undefined), noteWith: withRelayNote });
  const handle = startTui(model, { onExit: (copied) => process.stdout.write(exitSummary(model.info(), copied)) });
  // The model closes with the UI, before the store does, even while an editor is still open (its edit is kept, not sent).
  const done = handle.done.finally(() => model.close());
  return { done, finished: done.then(() => handle.finished), close: handle.close };
}
