// `hooktunnel import <file.har>`: requests captured elsewhere (or exported earlier) into the store, to replay them.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import { withSecretOptions } from '../secret-options.js';
import type { ImportFlags } from '../actions/import.js';
import { withJsonErrors } from '../json-error.js';

export function importCommand(): Command {
  return withSecretOptions(withJsonErrors(new Command('import')))
    .description('Import a HAR 1.2 archive (browser devtools, ngrok, `hooktunnel export --har`) as replayable exchanges, bodies byte for byte.')
    .argument('<file.har>', 'the archive ("-" reads stdin)')
    .option('--json', 'print the new ids as JSON')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addHelpText(
      'after',
      `
Each entry becomes an exchange: method, URL (the target is its origin), headers in order with duplicates (HTTP/2
pseudo-headers left out), the body (base64 "encoding" honoured), and the response when the archive has one.
Provider, event and signature are examined as on arrival (pass --secret to check signatures). A replay from
\`hooktunnel export --har\` stays linked to its original (↻#id, under the new ids) when the original is in the
archive too; without it, it comes in as an ordinary exchange (the old id names nothing here).

Exit status: 0 when imported; 2 when the file cannot be read, is not a HAR archive, or has an entry import cannot
take (the error names it, and nothing is imported); 1 when the database could not take the exchanges.

Examples:
  hooktunnel import devtools.har
  hooktunnel export --har - --since 1h | hooktunnel import - --db other.db
  hooktunnel import hooks.har --json | jq '.imported[0]' | xargs hooktunnel replay --to 4000`,
    )
    .action(async (file: string, flags: ImportFlags) => {
      const { importHar } = await import('../actions/import.js');
      await importHar(file, flags);
    });
}
