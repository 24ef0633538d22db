// `hooktunnel trigger <provider> <event>`: send a realistic, signed sample event to the local app and record it.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import { withSecretOptions } from '../secret-options.js';
import type { TriggerFlags } from '../actions/trigger.js';
import { localTimeoutOption } from '../timeout-option.js';
import { withJsonErrors } from '../json-error.js';

export function triggerCommand(): Command {
  return withSecretOptions(withJsonErrors(new Command('trigger')))
    .description('Send a realistic sample webhook (Stripe, GitHub, Shopify, Slack, Svix: Clerk and Resend) to the local app, signed with your secret, and record it.')
    .argument('[provider]', 'stripe, github, shopify, slack or svix (standard)')
    .argument('[event]', 'e.g. payment_intent.succeeded, pull_request.opened, orders/create, url_verification, user.created (--list shows them all)')
    .addOption(new Option('--to <port|url>', 'the local app (default: with hooktunnel.yml routes, the app of the route that takes --path; else 3000)').env('HOOKTUNNEL_TO'))
    .option('--path <path>', 'request path on the local app (a leading / is added; percent-encode spaces)', '/')
    .option('--app', "github: as a GitHub App's webhook sends it, with the installation (payload.installation.id) and from the App's hook")
    .option('--list', 'list the sample events')
    .addOption(new Option('--db <file>', dbOption[1]).env('HOOKTUNNEL_DB'))
    .addOption(localTimeoutOption())
    .option('--json', 'print the recorded exchange as JSON (with --list: the events, as [{"provider","event"}])')
    .addHelpText(
      'after',
      '\nExamples:\n  hooktunnel trigger --list\n  hooktunnel trigger stripe payment_intent.succeeded --to 3000 --path /webhooks/stripe --secret stripe=whsec_…\n  hooktunnel trigger stripe invoice.paid --path /webhooks/stripe      through the route of ./hooktunnel.yml that takes the path\n  hooktunnel trigger github push --app --path /api/github/webhooks --secret github=…      as a GitHub App (Probot) gets it\n  hooktunnel trigger shopify customers/redact --to 3000 --path /webhooks/compliance --secret shopify=…\n  hooktunnel trigger slack url_verification --to 3000 --path /slack/events --secret slack=…      your app must echo the challenge (a warning says when it does not)\n  hooktunnel trigger svix user.created --to 3000 --path /webhooks/clerk --secret svix=whsec_…      Clerk\'s user event, as Svix sends it' +
        '\n\nExit status: 0 when the app answered, whatever the status (check it: --json | jq -e \'.status < 300\'), 1 when it' +
        '\ncould not be reached or did not answer within --timeout (with --json the exchange is still printed, and the error' +
        '\nis a JSON line on stderr), 2 for a usage mistake (nothing is sent).',
    )
    .action(async (provider: string | undefined, event: string | undefined, flags: TriggerFlags) => {
      const { trigger } = await import('../actions/trigger.js');
      await trigger(provider, event, flags);
    });
}
