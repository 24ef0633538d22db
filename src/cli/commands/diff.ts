// `hooktunnel diff <a> <b>`: what differs between two recorded exchanges.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import type { DiffFlags } from '../actions/diff.js';
import { repeatable } from '../repeatable.js';
import { withJsonErrors } from '../json-error.js';
import { EVENT_ID_HELP, ID_ARGUMENT } from '../id-argument.js';


export function diffCommand(): Command {
  return withJsonErrors(new Command('diff'))
    .description('Show what differs between two exchanges: method, path, status, request headers, and the body (JSON by path, else size and SHA-256).')
    .argument('<a>', `the first: ${ID_ARGUMENT}`)
    .argument('<b>', 'the second, the same way')
    .addOption(new Option('--ignore-header <name>', 'leave this header out (repeatable), e.g. a signature or a delivery id').argParser(repeatable))
    .option('--exit-code', 'exit 1 when they differ, 0 when they do not (as git diff --exit-code); errors exit 2')
    .option('--json', 'print the differences as one JSON object')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addHelpText(
      'after',
      `
Exit status: 0 printed (with --exit-code: no differences), 1 only with --exit-code when they differ,
2 an error (an unknown id, no database, a bad flag), so scripts can tell "different" from "broken".

${EVENT_ID_HELP}

Examples:
  hooktunnel diff 12 14                              why did #14 fail when #12 worked?
  hooktunnel diff 12 14 --ignore-header Stripe-Signature --ignore-header X-Request-Id
  hooktunnel diff 12 14 --json | jq '.body.changes[].path'
  hooktunnel diff evt_1NxAbc2eZvKYlo2C 14            the Stripe event's first delivery against #14`,
    )
    .action(async (a: string, b: string, flags: DiffFlags) => {
      const { diff } = await import('../actions/diff.js');
      await diff(a, b, flags);
    });
}
