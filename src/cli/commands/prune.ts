// `hooktunnel prune`: delete old exchanges (bodies, chunks and attempts too), by age or by count. The work is in ../actions/prune.ts.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import type { PruneFlags } from '../actions/prune.js';
import { withJsonErrors } from '../json-error.js';

export function pruneCommand(): Command {
  return withJsonErrors(new Command('prune'))
    .description('Delete recorded exchanges older than a duration, or all but the newest N.')
    .option('--older-than <duration>', 'delete exchanges received longer ago than this (7d, 12h)')
    .option('--keep <n>', 'keep only the newest n exchanges')
    .option('--vacuum', 'give the freed space back to the disk (rewrites the file; slow on a large one)')
    .option('-y, --yes', 'delete without asking, even when the rules delete every exchange (--keep 0)')
    .option('--json', 'print {"deleted","remaining","db","vacuumed"} as JSON')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addHelpText(
      'after',
      `
With both flags, either rule deletes. Exchanges with a delivery attempt pending or running are kept.
Deleting every exchange (--keep 0, or rules that match them all) asks first on a terminal; elsewhere it needs --yes
(without it: nothing is deleted, exit status 2). The count deleted is always printed.
\`listen --keep <n>\` applies the same cap as exchanges arrive.

Examples:
  hooktunnel prune --older-than 7d
  hooktunnel prune --keep 10000 --vacuum
  hooktunnel prune --keep 0 --yes --json                  empty the database, print {"deleted":…}`,
    )
    .action(async (flags: PruneFlags) => {
      const { prune } = await import('../actions/prune.js');
      await prune(flags);
    });
}
