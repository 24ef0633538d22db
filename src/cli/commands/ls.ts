// `hooktunnel ls`: recorded exchanges, newest first.

import { Command, Option } from 'commander';
import { usageError } from '../../errors.js';
import { dbOption } from '../open-store.js';

export function lsCommand(): Command {
  return new Command('ls')
    .description('List recorded exchanges, newest first.')
    .addOption(new Option('-n, --limit <n>', 'how many').default('20'))
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .option('--json', 'print a JSON array (the documented exchange shape, without bodies)')
    .action(async (flags: { limit: string; db?: string; json?: boolean }) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit "${flags.limit}" must be a whole number of at least 1`);
      const [{ openExistingStore }, { exchangeTable }, { exchangeToJson }] = await Promise.all([
        import('../open-store.js'),
        import('../../output/exchange-text.js'),
        import('../../exchange.js'),
      ]);
      const store = openExistingStore(flags.db);
      try {
        const rows = store.list({ limit });
        if (flags.json) process.stdout.write(`${JSON.stringify(rows.map(exchangeToJson), null, 2)}\n`);
        else if (rows.length === 0) process.stdout.write('no exchanges recorded yet\n');
        else process.stdout.write(`${exchangeTable(rows)}\n`);
      } finally {
        store.close();
      }
    });
}
