// `hooktunnel export`: many exchanges as a HAR 1.2 archive or as JSON, for other tools.

import { createWriteStream, fchmodSync, openSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { UserError, usageError } from '../../errors.js';
import { withFilterOptions, type FilterFlags } from '../filter-options.js';
import { dbOption } from '../db-option.js';
import { jsonText } from '../../output/json-text.js';
import { repeatable } from '../repeatable.js';
import { withJsonErrors } from '../json-error.js';

interface ExportFlags extends FilterFlags {
  har?: string;
  json?: string;
  limit: string;
  db?: string;
  redact?: string[];
}

/** stdout for "-", else the file, opened now so a bad path is a clear error before any work. */
function openOutput(file: string): { write(text: string): Promise<void>; end(): Promise<void> } {
  let stream: Writable = process.stdout;
  if (file !== '-') {
    try {
      // Private like the database it comes from (0600): an export holds every header and body, secrets included. Set
      // on an existing file too, which keeps its old mode when opened.
      const fd = openSync(file, 'w', 0o600);
      fchmodSync(fd, 0o600);
      stream = createWriteStream('', { fd });
    } catch (error) {
      throw new UserError(`could not write ${file}: ${(error as Error).message}`, { hint: 'check the path, or use - for stdout' });
    }
  }
  return {
    write: async (text) => {
      if (!stream.write(text)) await once(stream, 'drain');
    },
    end: () => (stream === process.stdout ? Promise.resolve() : new Promise((resolve) => stream.end(resolve))),
  };
}

export function exportCommand(): Command {
  return withFilterOptions(withJsonErrors(new Command('export')))
    .description('Export recorded exchanges, with bodies, as HAR 1.2 (browser devtools, Charles, Insomnia) or JSON.')
    .option('--har <file>', 'write a HAR archive ("-" for stdout)')
    .option('--json <file>', 'write a JSON array of full exchanges ("-" for stdout)')
    .addOption(new Option('-n, --limit <n>', 'at most this many, newest').default('1000'))
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addOption(
      new Option('--redact <rule>', 'replace header:<name> values and body:<json path> values with [REDACTED] in the output (repeatable)')
        .argParser(repeatable),
    )
    .addHelpText('after', '\nExamples:\n  hooktunnel export --har hooks.har --since 1h\n  hooktunnel export --json - --provider github | jq length\n  hooktunnel export --har share.har --redact header:authorization --redact \'body:$.customer.email\'')
    .action(async (flags: ExportFlags) => {
      if (!flags.har === !flags.json) {
        throw usageError('export needs exactly one of --har <file> or --json <file>', 'e.g. hooktunnel export --har hooks.har, or --json - for JSON on stdout');
      }
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit "${flags.limit}" must be a whole number of at least 1`);
      const { parseRedactRule, redactExchange } = await import('../../redact/redact.js');
      const rules = (flags.redact ?? []).map((rule) => parseRedactRule(rule));
      const [{ openStoreIfRecorded }, { filterToList }, { toHar }, { exchangeToJson }, { VERSION }] = await Promise.all([
        import('../open-store.js'),
        import('../filter-options.js'),
        import('../../export/har.js'),
        import('../../exchange.js'),
        import('../version.js'),
      ]);
      const file = (flags.har ?? flags.json)!;
      // Checked before the database is opened: a bad filter is a mistake even where nothing is recorded.
      const filters = filterToList(flags);
      // No database at the default path: nothing recorded yet, so an empty archive (as for an empty database).
      const store = await openStoreIfRecorded(flags.db);
      try {
        // One more than asked, to tell whether --limit cut the list; ids only, each exchange is read when written.
        // Recorded order reads best in a HAR viewer and in a JSON file.
        const newest = store ? store.listIds({ limit: limit + 1, ...filters }) : [];
        const ids = newest.slice(0, limit).reverse();
        const out = openOutput(file);
        // One exchange in memory at a time: bodies can be 25 MiB each.
        const { version, creator } = toHar([], { version: VERSION }).log;
        const harHead = `{"log":{"version":${jsonText(version)},"creator":${jsonText(creator)},"entries":[`;
        const [head, tail] = flags.har ? [harHead, ']}}'] : ['[', ']'];
        await out.write(head);
        let written = 0;
        const deleted: number[] = [];
        for (const id of ids) {
          const recorded = store!.get(id);
          // Deleted since the ids were listed (a prune elsewhere): the rest of the archive still goes out.
          if (!recorded) {
            deleted.push(id);
            continue;
          }
          const exchange = redactExchange(recorded, rules);
          const item = flags.har ? toHar([exchange], { version: VERSION }).log.entries[0] : exchangeToJson(exchange);
          await out.write(`${written++ > 0 ? ',' : ''}\n${jsonText(item, 2)}`);
        }
        await out.write(`${written > 0 ? '\n' : ''}${tail}\n`);
        await out.end();
        if (file !== '-') process.stderr.write(`wrote ${written} exchange${written === 1 ? '' : 's'} to ${file}\n`);
        if (deleted.length > 0) {
          process.stderr.write(`${deleted.map((id) => `#${id}`).join(', ')} ${deleted.length === 1 ? 'was' : 'were'} deleted while exporting (a prune?) and ${deleted.length === 1 ? 'is' : 'are'} not in the export\n`);
        }
        // On stderr, so a pipe still gets clean JSON: without it a script would not know it got only part.
        if (newest.length > limit) {
          process.stderr.write(`only the newest ${limit} of the matching exchanges were exported; pass -n with a larger number, or narrow it with --since\n`);
        }
      } finally {
        store?.close();
      }
    });
}
