// Calls back when the capture database changes on disk: an inotify/FSEvents watch on its directory (the WAL file
// is written on every commit, and may be created or truncated at any time), with a bounded fallback poll for file
// systems where watching is unreliable (network mounts, some containers).

import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** The fallback: at most this long between checks even when no change event arrives. */
export const FALLBACK_POLL_MS = 500;

export interface FileChanges {
  close(): void;
}

/**
 * Watches `dbPath` and its `-wal` (not `-shm`: readers touch that one, and we are a reader). `onChange` runs at
 * most once per event-loop turn however many events arrive, and at least every `pollMs`.
 */
export function watchDatabase(dbPath: string, onChange: () => void, pollMs = FALLBACK_POLL_MS): FileChanges {
  const name = basename(dbPath);
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      onChange();
    });
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(dbPath), { persistent: false }, (_event, file) => {
      // Some platforms give no file name: then any change in the directory counts.
      if (!file || file === name || file === `${name}-wal`) schedule();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No watching here: the poll alone keeps us going.
  }
  const timer = setInterval(schedule, pollMs);
  return {
    close() {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
