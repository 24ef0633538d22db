// `hooktunnel ls`: recorded exchanges, newest first, optionally filtered.

import { Command, Option } from 'commander';
import { usageError } from '../../errors.js';
import { withFilterOptions, type FilterFlags } from '../filter-options.js';
import { dbOption } from '../db-option.js';
import { jsonText } from '../../output/json-text.js';
import { withJsonErrors } from '../json-error.js';

interface LsFlags extends FilterFlags {
  limit: string;
  db?: string;
  json?: boolean;
}

export function lsCommand(): Command {
  return withFilterOptions(withJsonErrors(new Command('ls')))
    .description('List recorded exchanges, newest first.')
    .addOption(new Option('-n, --limit <n>', 'how many').default('20'))
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .option('--json', 'print a JSON array (the documented exchange shape, without bodies)')
    .addHelpText('after', '\nExamples:\n  hooktunnel ls\n  hooktunnel ls --provider stripe --event payment_intent.succeeded --failed\n  hooktunnel ls --since 1h --json | jq \'.[].id\'')
    .action(async (flags: LsFlags) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit "${flags.limit}" must be a whole number of at least 1`);
      const [{ openStoreIfRecorded, nothingRecorded }, { exchangeTable }, { exchangeToJson }, { filterToList }] = await Promise.all([
        import('../open-store.js'),
        import('../../output/exchange-text.js'),
        import('../../exchange.js'),
        import('../filter-options.js'),
      ]);
      const filters = filterToList(flags);
      const filtered = Object.values(filters).some((value) => value !== undefined && value !== false);
      // No database at the default path: nothing was ever recorded on this machine, an empty history rather than an error.
      const store = await openStoreIfRecorded(flags.db);
      if (!store) {
        process.stdout.write(flags.json ? '[]\n' : `${await nothingRecorded()}\n`);
        return;
      }
      try {
        const rows = store.list({ limit, ...filters });
        if (flags.json) process.stdout.write(`${jsonText(rows.map(exchangeToJson), 2)}\n`);
        // Without filters, no rows means an empty store: say so, and how to fill it.
        else if (rows.length === 0) process.stdout.write(filtered ? 'no exchanges match\n' : `${await nothingRecorded()}\n`);
        else process.stdout.write(`${exchangeTable(rows)}\n`);
        const dropped = store.droppedTotal();
        // On stderr, so --json output stays one array: exchanges lost while the store was full or locked.
        if (dropped > 0) process.stderr.write(`warning: ${dropped} exchange${dropped === 1 ? ' was' : 's were'} not recorded: the store was full or locked and the memory buffer overflowed\n`);
      } finally {
        store.close();
      }
    });
}
