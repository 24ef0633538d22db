// `hooktunnel replay <id…>`: send recorded requests again, exactly or edited and re-signed, and record the replays.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import { withSecretOptions } from '../secret-options.js';
import type { ReplayFlags } from '../actions/replay.js';
import { repeatable } from '../repeatable.js';
import { localTimeoutOption } from '../timeout-option.js';
import { withJsonErrors } from '../json-error.js';
import { EVENT_ID_HELP, IDS_ARGUMENT } from '../id-argument.js';


export function replayCommand(): Command {
  return withSecretOptions(withJsonErrors(new Command('replay')))
    .description('Send recorded requests to the local app again: same method, path, headers and body bytes, or edited and re-signed.')
    .argument('[ids...]', IDS_ARGUMENT)
    .option('--to <port|url>', 'send to this target instead of the original one')
    .option('--resign', 'sign afresh with a new timestamp (Stripe, Slack, Standard Webhooks, GitHub, Shopify, Twilio, --verify HMAC)')
    .option('--no-resign', 'keep the recorded signature, even on a body changed by --edit or --body-file (does your app refuse a tampered body?)')
    .option('--edit', 'edit the body in $EDITOR before sending (JSON pretty-printed, a form\'s JSON payload field too; re-signed when a secret is known); Ctrl-C in the editor sends nothing')
    .addOption(new Option('--set-header <name:value>', 'set a header (repeatable); not Content-Length, Host or hop-by-hop headers, which hooktunnel sets itself').argParser(repeatable))
    .option('--body-file <file>', 'send this file as the body (re-signed when a secret is known)')
    .option('--since <duration>', 'instead of ids: replay every original exchange received in the last <duration> (10m, 2h), oldest first')
    .option('--path <prefix>', 'instead of ids: every original exchange at this path or below it (/stripe: /stripe/x too, not /stripes)')
    .option('--allow-redacted', 'send exchanges that were stored redacted ([REDACTED] values and all)')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addOption(localTimeoutOption())
    .option('--json', 'print each new exchange as a JSON line')
    .addHelpText(
      'after',
      `
Exit status: 0 when the local app answered (whatever the status), 1 when it could not be reached or an id is not
recorded (then nothing is sent), 2 for a usage mistake or an exchange that cannot be replayed (nothing is sent),
130 when Ctrl-C in the --edit editor called the edit off (nothing is sent).
A replay that got no answer is one line on stderr ("cannot reach http://127.0.0.1:4000: connection refused");
with --json, stdout still gets the failed exchange and stderr gets {"error":{"code","message","hint","replayOf","id"}};
an id with no exchange (unknown, or deleted meanwhile) is such an object with code "not_found" and id null, and any
other error one {"error":{"code","message","hint"}} (code "redacted", "incomplete", "answered_here", "usage"…; README,
"Errors with --json"). An unknown event id's error has "eventId" too.

${EVENT_ID_HELP}

Examples:
  hooktunnel replay 12                                  exact bytes, to the original target
  hooktunnel replay evt_1NxAbc2eZvKYlo2C --resign       a Stripe event by its id, re-signed, as \`stripe events resend\`
  hooktunnel replay 12 --to 4000
  hooktunnel replay 12 12                               the same delivery twice, in order (does your app dedupe?)
  hooktunnel replay 12 --resign --secret stripe=whsec_…  fresh signature, accepted outside the 5-minute window
  hooktunnel replay 12 --edit                           change the payload, re-signed
  hooktunnel replay 12 --edit --no-resign               change it but keep the old signature: your app must refuse it
  hooktunnel replay 12 --set-header 'X-Debug: 1' --body-file payload.json
  hooktunnel replay --since 10m --path /stripe          bulk, in recorded order`,
    )
    .action(async (ids: string[], flags: ReplayFlags) => {
      const { replay } = await import('../actions/replay.js');
      await replay(ids, flags);
    });
}
