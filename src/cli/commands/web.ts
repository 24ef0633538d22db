// `hooktunnel web`: the web inspector over the capture database alone, without a tunnel. The work is in ../actions/web.ts.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import { withSecretOptions } from '../secret-options.js';
import type { WebOptions } from '../actions/web.js';
import { localTimeoutOption } from '../timeout-option.js';
import { withJsonErrors } from '../json-error.js';
import { usageError } from '../../errors.js';
import { shellWord } from '../../export/shell-quote.js';

/**
 * listen's flag for its inspector's port is --inspect-port, web's is --port: one typed from listen's habit is refused
 * with web's own (as listen refuses other tools' flags), rather than commander's bare "unknown option".
 */
function refuseListenFlags(flags: { inspectPort?: string }): void {
  if (flags.inspectPort !== undefined) {
    throw usageError("web has no --inspect-port option (that is listen's)", `web's is --port: hooktunnel web --port ${shellWord(flags.inspectPort)}`);
  }
}

export function webCommand(): Command {
  // Its --json output is an event (ready), so a failure is an `error` event there too, as listen's.
  return withSecretOptions(withJsonErrors(new Command('web'), { events: true }))
    .description('Browse, diff and replay recorded exchanges in the browser, live as other processes record them.')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addOption(new Option('--port <port>', 'port on 127.0.0.1 (default 4040, or the next free one)').env('HOOKTUNNEL_INSPECT_PORT'))
    .addOption(new Option('--inspect-port <port>').hideHelp())
    .option('--to <port|url>', "replay here instead of each exchange's original target")
    .addOption(localTimeoutOption('how long a replay waits for the local app (0 waits forever)'))
    .addOption(new Option('--no-open', 'print the address instead of opening a browser').env('HOOKTUNNEL_NO_OPEN'))
    .option('--json', 'print one JSON ready event ({"type":"ready","inspector":…}) instead of text (a failure: an "error" event)')
    .addHelpText(
      'after',
      `
The page lists exchanges as they are recorded (by any listen on the same database), shows headers in order and
bodies as JSON, form, text or hex, and replays, edits, re-signs, retries, diffs and exports them. It binds
127.0.0.1 only; the printed address carries a per-run secret that allows replays from that browser.

Keys on the page: j/k move, / filter, r replay, x mark for diff, d diff the two marked, Esc clear.

Examples:
  hooktunnel web
  hooktunnel web --db ./hooks.db --to 4000 --no-open`,
    )
    .action(async (flags: WebOptions & { inspectPort?: string }) => {
      refuseListenFlags(flags);
      const { web } = await import('../actions/web.js');
      await web(flags);
    });
}
