// While a program hooktunnel started owns the terminal, the terminal's Ctrl-C and Ctrl-\ are meant for that program.

/** The signals a terminal raises from the keyboard and that would end hooktunnel (Ctrl-Z only stops; `fg` resumes). */
const TERMINAL_SIGNALS = ['SIGINT', 'SIGQUIT'] as const;

const ignore = () => {};

/**
 * The terminal sends Ctrl-C's SIGINT to its whole foreground process group: the editor and hooktunnel alike, so a
 * Ctrl-C meant to abort an editor that waits in cooked mode (`code --wait`) would also end `listen`. As git does while
 * its editor runs, the signals are ignored until the returned function is called. Node has no SIG_IGN: the listeners
 * installed now (listen's own shutdown among them) are set aside, a no-op stands in (it also keeps Node's default,
 * exiting, from applying), and restoring puts them back in order. The child gets the signal as usual.
 */
export function ignoreTerminalSignals(): () => void {
  const setAside = TERMINAL_SIGNALS.map((signal) => ({ signal, listeners: process.rawListeners(signal) as ((...args: unknown[]) => void)[] }));
  for (const { signal } of setAside) {
    process.removeAllListeners(signal);
    process.on(signal, ignore);
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    for (const { signal, listeners } of setAside) {
      process.off(signal, ignore);
      // rawListeners keeps `once` wrappers as they were: put back, they still remove themselves after one call.
      for (const listener of listeners) process.on(signal, listener);
    }
  };
}
