// `hooktunnel export`: many exchanges as a HAR 1.2 archive or as JSON, for other tools.

import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UserError, usageError } from '../../errors.js';
import { withFilterOptions, type FilterFlags } from '../filter-options.js';
import { dbOption } from '../db-option.js';
import { jsonText } from '../../output/json-text.js';

interface ExportFlags extends FilterFlags {
  har?: string;
  json?: string;
  limit: string;
  db?: string;
}

export function exportCommand(): Command {
  return withFilterOptions(new Command('export'))
    .description('Export recorded exchanges, with bodies, as HAR 1.2 (browser devtools, Charles, Insomnia) or JSON.')
    .option('--har <file>', 'write a HAR archive ("-" for stdout)')
    .option('--json <file>', 'write a JSON array of full exchanges ("-" for stdout)')
    .addOption(new Option('-n, --limit <n>', 'at most this many, newest').default('1000'))
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addHelpText('after', '\nExamples:\n  hooktunnel export --har hooks.har --since 1h\n  hooktunnel export --json - --provider github | jq length')
    .action(async (flags: ExportFlags) => {
      if (!flags.har === !flags.json) throw usageError('export needs exactly one of --har <file> or --json <file>');
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit "${flags.limit}" must be a whole number of at least 1`);
      const [{ openExistingStore }, { filterToList }, { toHar }, { exchangeToJson }, { VERSION }] = await Promise.all([
        import('../open-store.js'),
        import('../filter-options.js'),
        import('../../export/har.js'),
        import('../../exchange.js'),
        import('../version.js'),
      ]);
      const store = openExistingStore(flags.db);
      try {
        // Recorded order reads best in a HAR viewer and in a JSON file.
        const ids = store.list({ limit, ...filterToList(flags) }).map((e) => e.id).reverse();
        const exchanges = ids.map((id) => store.get(id)!);
        const text = flags.har
          ? jsonText(toHar(exchanges, { version: VERSION }), 2)
          : jsonText(exchanges.map(exchangeToJson), 2);
        const file = (flags.har ?? flags.json)!;
        if (file === '-') process.stdout.write(`${text}\n`);
        else {
          try {
            writeFileSync(file, `${text}\n`);
          } catch (error) {
            throw new UserError(`could not write ${file}: ${(error as Error).message}`, { hint: 'check the path, or use - for stdout' });
          }
          process.stderr.write(`wrote ${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'} to ${file}\n`);
        }
      } finally {
        store.close();
      }
    });
}
