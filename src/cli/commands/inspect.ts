// `hooktunnel inspect`: the live TUI over recorded history, without a tunnel. The work is in ../actions/inspect.ts.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import { withSecretOptions } from '../secret-options.js';
import type { InspectFlags } from '../actions/inspect.js';
import { localTimeoutOption } from '../timeout-option.js';

export function inspectCommand(): Command {
  return withSecretOptions(new Command('inspect'))
    .description('Browse recorded exchanges in the interactive inspector, and replay them, without a tunnel.')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .option('--to <port|url>', "replay and retry here instead of each exchange's original target")
    .addOption(localTimeoutOption('how long a replay waits for the local app (0 waits forever)'))
    .addHelpText('after', '\nKeys: ↑↓/jk move, Enter detail, Tab request/response, r replay, R retry a failed one, e edit and replay, / filter, c copy curl, q quit.\n\nExamples:\n  hooktunnel inspect\n  hooktunnel inspect --db ./hooks.db --to 4000')
    .action(async (flags: InspectFlags) => {
      const { inspect } = await import('../actions/inspect.js');
      await inspect(flags);
    });
}
