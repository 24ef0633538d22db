// `hooktunnel prune`: delete old exchanges (bodies, chunks and attempts too), by age or by count.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';

interface PruneFlags {
  olderThan?: string;
  keep?: string;
  vacuum?: boolean;
  db?: string;
}

export function pruneCommand(): Command {
  return new Command('prune')
    .description('Delete recorded exchanges older than a duration, or all but the newest N.')
    .option('--older-than <duration>', 'delete exchanges received longer ago than this (7d, 12h)')
    .option('--keep <n>', 'keep only the newest n exchanges')
    .option('--vacuum', 'give the freed space back to the disk (rewrites the file; slow on a large one)')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addHelpText(
      'after',
      `
With both flags, either rule deletes. Exchanges with a delivery attempt pending or running are kept.
\`listen --keep <n>\` applies the same cap as exchanges arrive.

Examples:
  hooktunnel prune --older-than 7d
  hooktunnel prune --keep 10000 --vacuum`,
    )
    .action(async (flags: PruneFlags) => {
      const [{ parseDuration }, { usageError }, { openExistingStore }] = await Promise.all([
        import('../../duration.js'),
        import('../../errors.js'),
        import('../open-store.js'),
      ]);
      if (flags.olderThan === undefined && flags.keep === undefined) {
        throw usageError('prune needs --older-than or --keep', 'for example `hooktunnel prune --older-than 7d` or `hooktunnel prune --keep 10000`');
      }
      const keep = flags.keep === undefined ? undefined : Number(flags.keep);
      if (keep !== undefined && (!Number.isInteger(keep) || keep < 0)) throw usageError(`--keep "${flags.keep}" must be a whole number`);
      const before = flags.olderThan === undefined ? undefined : Date.now() - parseDuration(flags.olderThan, '--older-than');
      const store = openExistingStore(flags.db);
      try {
        const deleted = store.prune({ before, keep, vacuum: flags.vacuum });
        process.stdout.write(`pruned ${deleted} exchange${deleted === 1 ? '' : 's'} from ${store.path}\n`);
      } finally {
        store.close();
      }
    });
}
