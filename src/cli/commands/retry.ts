// `hooktunnel retry <id…>`: deliver recorded exchanges to the local app again now, as new attempts of the same exchanges.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import { withSecretOptions } from '../secret-options.js';
import type { RetryFlags } from '../actions/retry.js';
import { localTimeoutOption } from '../timeout-option.js';
import { noResignLateOption } from '../delivery-options.js';
import { withJsonErrors } from '../json-error.js';
import { EVENT_ID_HELP, IDS_ARGUMENT } from '../id-argument.js';

export function retryCommand(): Command {
  return withSecretOptions(withJsonErrors(new Command('retry')))
    .description('Send recorded exchanges that failed to the local app now, as a new attempt of the same exchange (replay makes a new one).')
    .argument('<ids...>', IDS_ARGUMENT)
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addOption(localTimeoutOption())
    .option('--json', 'print each exchange after its attempt as a JSON line')
    .option('--force', 'send exchanges that already succeeded (2xx/3xx) too, as another attempt')
    .addOption(noResignLateOption())
    .addHelpText(
      'after',
      `
Works whether or not a listen is running. An automatic retry pending for the exchange is not sent a second time:
this attempt takes its place (and if it fails, the next automatic one is scheduled after it). If a listen is
sending that exchange at this moment, retry says so and sends nothing. An exchange the app already took (2xx/3xx)
is not sent again without --force (use \`hooktunnel replay\` for a copy recorded as a new exchange); a 4xx is retried.
An exchange stored redacted (listen --redact) is never retried: use \`hooktunnel replay <id> --allow-redacted\`.
Nor is one with only part of its request body (cut off mid-body): use \`hooktunnel replay <id> --body-file <file>\`.

Exit status: 0 when the local app answered below 500, 1 otherwise; 2 when nothing was sent because an exchange
already succeeded (without --force), was stored redacted or cut off mid-body, or for a usage mistake.
With --json, stdout gets each exchange after its attempt, and stderr {"error":{"code","message","hint","id"}} for each
attempt the app did not take (code "local_unreachable", "local_timeout"…, or "local_server_error" for a 5xx) and for
each id with no exchange (unknown, or deleted meanwhile: code "not_found", exit 1); any other error is one
{"error":{"code","message","hint"}} (code "succeeded", "redacted", "incomplete", "usage"…; README, "Errors with --json").

${EVENT_ID_HELP}

Examples:
  hooktunnel retry 12
  hooktunnel retry msg_2KWPBgLlAfxdpx2AI54pPJ85f4W      a Svix (Clerk, Resend) message by its id
  hooktunnel retry 12 --force                           send it again although the app answered 200
  hooktunnel ls --failed --json | jq '.[] | select(.status == null or .status >= 500) | .id' | xargs hooktunnel retry
      the app's failures among the newest 20 (--failed also lists invalid signatures the app took, which retry refuses)`,
    )
    .action(async (ids: string[], flags: RetryFlags) => {
      const { retry } = await import('../actions/retry.js');
      await retry(ids, flags);
    });
}
