// `hooktunnel wait`: for scripts, CI and coding agents — block until the expected webhook has been recorded.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import type { WaitFlags } from '../actions/wait.js';
import { repeatable } from '../repeatable.js';
import { usageError } from '../../errors.js';
import { shellWord } from '../../export/shell-quote.js';
import { withJsonErrors } from '../json-error.js';

/**
 * `ls --event push` works, so `wait --event push` is what people type first: these flags are not wait's, but instead
 * of commander's bare "unknown option" they get the --match expression that does it.
 */
const MATCH_KEYS_AS_FLAGS = ['event', 'type', 'provider', 'path', 'status', 'method', 'route'] as const;

function refuseMatchKeyFlags(flags: Record<string, unknown>): void {
  const used = MATCH_KEYS_AS_FLAGS.filter((key) => flags[key] !== undefined);
  if (used.length === 0) return;
  const expressions = used.map((key) => `--match ${shellWord(`${key}=${String(flags[key])}`)}`).join(' ');
  const names = used.map((key) => `--${key}`).join(', ');
  throw usageError(`wait has no ${names} option${used.length > 1 ? 's' : ''}: it matches with --match key=value`, `in place of ${names}: ${expressions}`);
}

export function waitCommand(): Command {
  const command = withJsonErrors(new Command('wait'));
  for (const key of MATCH_KEYS_AS_FLAGS) command.addOption(new Option(`--${key} <value>`).hideHelp());
  return command
    .description('Wait until an exchange matching every --match is recorded (by any listen writing the store), then print it.')
    .addOption(new Option('--match <expr>', 'key=value that must hold (repeatable; all must match)').argParser(repeatable))
    .addOption(new Option('--timeout <duration>', 'give up after this long (exit 124); 0 waits forever').default('60s').env('HOOKTUNNEL_WAIT_TIMEOUT'))
    .addOption(new Option('--since <now|id|duration>', 'look at exchanges recorded after this point: now, after exchange #id, or within a duration (10m)').default('now'))
    .option('--json', 'print the exchange as one JSON object (the `show --json` shape)')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addHelpText(
      'after',
      `
Match expressions (values are case-sensitive unless noted; * matches any run of characters; quote a glob
in the shell, as in 'path=/github/**', or zsh expands it):
  path=/stripe/*            path glob, query string left out (* stays within a segment, ** crosses segments)
  method=POST               case-insensitive
  status=2xx | status=404   a status class or one status (hooktunnel's own 502/504 count)
  provider=stripe           the detected provider (case-insensitive)
  type=payment_intent.*     the provider's event type (also event=); case-insensitive; a type stands for
                            those it begins: event=pull_request takes GitHub's pull_request.opened
  event-id=evt_1NxAbc       the provider's event id: GitHub's delivery GUID (X-GitHub-Delivery), Stripe's evt_…
  header.X-GitHub-Event=push   any request header of that name (name case-insensitive)
  body.data.object.amount=2000 a value in a JSON request body (items[0].id, items.0.id work too)
  body.payload.type=block_actions  in a form body: the field, then a path into its JSON value
  body=*needle*             the request body as text
  verified=true             the signature was checked and holds
  route=/stripe             the hooktunnel.yml route that took it (its prefix)
  url=*                     the URL the sender called (glob, case-insensitive): * takes only what came through the
                            tunnel, not the rows of trigger, replay and import, which have none

An exchange counts once it is answered (or failed) with no automatic retry still due.

Exit status: 0 found (printed on stdout), 124 timed out (one line on stderr; a hint when an exchange
recorded just before wait started matches: --since now, the default, looks only at later ones), 2 a bad flag or expression.
wait never creates the database: until listen creates it, wait waits for it (124 if it never appears).

Examples:
  hooktunnel wait --match provider=stripe --match type=payment_intent.succeeded
  id=$(hooktunnel ls -n 1 --json | jq '.[0].id // 0'); ./trigger.sh; hooktunnel wait --since "$id" --json | jq .status
  hooktunnel wait --match 'path=/github/**' --match header.X-GitHub-Event=push --timeout 2m`,
    )
    .action(async (flags: WaitFlags & Record<string, unknown>) => {
      refuseMatchKeyFlags(flags);
      const { wait } = await import('../actions/wait.js');
      await wait(flags);
    });
}
