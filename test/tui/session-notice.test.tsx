// A listen notice (the embedded relay taken over, or not) holds the header note for a while, then the standing note
// comes back, as it is by then; the model's clock is driven by the test, so nothing here waits on time.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, expect, it } from 'vitest';
import { parseTarget } from '../../src/forward/target.js';
import { Session } from '../../src/session.js';
import { Store } from '../../src/store/store.js';
import { Header } from '../../src/tui/Header.js';
import { NOTICE_SHOW_MS, SessionModel } from '../../src/tui/session-model.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A clock whose timers run only when the test says. */
function manualClock() {
  const timers: { ms: number; fade: () => void; cancelled: boolean }[] = [];
  const after = (ms: number, fade: () => void) => {
    const timer = { ms, fade, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  return { timers, after };
}

it("shows a notice in the standing note's place for a while, then the standing note as it is by then", () => {
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-notice-'));
  dirs.push(dir);
  const store = Store.open(join(dir, 'capture.db'));
  const target = parseTarget('3000');
  const session = new Session({ target, relayUrl: 'ws://127.0.0.1:1', timeoutMs: 1000, hostHeader: 'rewrite', retry: false, store });
  const clock = manualClock();
  let relayNote = 'sharing the relay';
  const noteWith = (notice: string | undefined) => `inspector; ${notice ?? relayNote}`;
  const model = new SessionModel({ session, store, target, timeoutMs: 1000, note: noteWith(undefined), noteWith, after: clock.after });
  // The second header line as a user sees it (a short db path, so the 100-column frame keeps the note whole).
  const noteLine = () => {
    const { lastFrame, unmount } = render(<Header info={{ ...model.info(), dbPath: 'c.db' }} />);
    const line = (lastFrame() ?? '').split('\n')[1];
    unmount();
    return line;
  };
  try {
    expect(noteLine()).toBe('this session: 0 requests · 0 failed · db c.db · inspector; sharing the relay');
    session.emit('notice', 'could not start the relay here');
    expect(noteLine()).toBe('this session: 0 requests · 0 failed · db c.db · inspector; could not start the relay here');
    // A newer notice, while the first still shows, takes its place for its own whole time.
    relayNote = 'hosting the relay now';
    session.emit('notice', 'now hosting the relay');
    expect(clock.timers.map((t) => [t.ms, t.cancelled])).toEqual([
      [NOTICE_SHOW_MS, true],
      [NOTICE_SHOW_MS, false],
    ]);
    expect(noteLine()).toBe('this session: 0 requests · 0 failed · db c.db · inspector; now hosting the relay');
    clock.timers[1].fade();
    expect(noteLine()).toBe('this session: 0 requests · 0 failed · db c.db · inspector; hosting the relay now');
    // Closing drops a fade still to come: nothing updates a model nobody follows.
    session.emit('notice', 'one more');
    model.close();
    expect(clock.timers[2].cancelled).toBe(true);
    expect(session.listenerCount('notice')).toBe(0);
  } finally {
    session.close();
    store.close();
  }
});
