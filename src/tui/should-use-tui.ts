// Decides whether `listen` shows the live TUI or the plain/NDJSON reporters. Imports nothing heavy on purpose.

interface Streams {
  stdin: { isTTY?: boolean };
  stdout: { isTTY?: boolean };
}

/**
 * The TUI needs an interactive terminal on both ends, no --json / --no-tui, and a store (the detail pane and
 * replay read from it). CI and TERM=dumb get plain lines: Ink only prints the final frame when CI is set.
 */
export function shouldUseTui(
  flags: { json?: boolean; tui: boolean; store: boolean },
  streams: Streams = process,
  env: Record<string, string | undefined> = process.env,
): boolean {
  const ci = ['CI', 'CONTINUOUS_INTEGRATION'].some((name) => env[name] !== undefined && env[name] !== '0' && env[name] !== 'false');
  return flags.tui && !flags.json && flags.store && Boolean(streams.stdin.isTTY && streams.stdout.isTTY) && !ci && env.TERM !== 'dumb';
}
