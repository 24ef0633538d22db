// `hooktunnel listen <port|url>`: flags and help. The work happens in ../actions/listen.ts, loaded on use.

import { Command, Option } from 'commander';
import { withDeliveryOptions } from '../delivery-options.js';
import { withSecretOptions } from '../secret-options.js';
import { withWebOptions } from '../web-options.js';
import type { ListenFlags } from '../actions/listen.js';
import { repeatable } from '../repeatable.js';
import { DEFAULT_EMBEDDED_PORT } from '../port.js';
import { DEFAULT_HOST_HEADER } from '../../forward/host-header.js';
import { localTimeoutOption } from '../timeout-option.js';
import { usageError } from '../../errors.js';
import { shellWord } from '../../export/shell-quote.js';
import { withJsonErrors } from '../json-error.js';

/** The flags of other tools' `listen` a developer types first, as hooktunnel listen takes none of them. */
interface ForeignFlags {
  /** `stripe listen --forward-to localhost:3000/webhooks/stripe` */
  forwardTo?: string;
  /** smee's client: `smee --url https://smee.io/abc --target http://localhost:3000/api/github/webhooks` (or --port 3000) */
  target?: string;
  port?: string;
  url?: string;
}

/**
 * hooktunnel takes the target as listen's argument, and makes its own URL. Instead of commander's bare "unknown
 * option" for another tool's flag, the command that does it.
 */
function refuseForeignFlags(target: string | undefined, flags: ForeignFlags): void {
  const asArgument = (value: string) =>
    target === undefined ? `the target is listen's argument: hooktunnel listen ${shellWord(value)}` : "give the target once, as listen's argument";
  if (flags.forwardTo !== undefined) throw usageError("listen has no --forward-to option (that is `stripe listen`'s)", asArgument(flags.forwardTo));
  if (flags.target !== undefined) throw usageError("listen has no --target option (that is smee's)", asArgument(flags.target));
  if (flags.port !== undefined) throw usageError("listen has no --port option (that is smee's)", asArgument(flags.port));
  if (flags.url !== undefined) {
    throw usageError(
      "listen has no --url option (that is smee's channel)",
      'listen prints the URL senders post to; for one GitHub can reach, run your own relay and pass it: --relay https://hooks.example.com (README: "Self-host the relay")',
    );
  }
}

export function listenCommand(): Command {
  // Its --json failures end its events too, so a script reading them learns why they stopped.
  return withWebOptions(withDeliveryOptions(withSecretOptions(withJsonErrors(new Command('listen'), { events: true }))))
    .description('Open a public URL and forward every request to a local app, recording each exchange.')
    .argument('[target]', 'local port (3000), host:port, or URL (http://127.0.0.1:8000/base); leave out to use the routes of hooktunnel.yml')
    .addOption(new Option('--forward-to <url>').hideHelp())
    .addOption(new Option('-t, --target <url>').hideHelp())
    .addOption(new Option('-p, --port <port>').hideHelp())
    .addOption(new Option('-u, --url <url>').hideHelp())
    .addOption(new Option('--config <file>', 'project config with routes (default: ./hooktunnel.yml when present); flags override it').env('HOOKTUNNEL_CONFIG'))
    .addOption(new Option('--relay <url>', 'relay to use (http(s):// or ws(s)://); default: the one saved by `hooktunnel login`, else an embedded relay on 127.0.0.1').env('HOOKTUNNEL_RELAY'))
    .addOption(new Option('--token <token>', 'token for a relay that requires one').env('HOOKTUNNEL_TOKEN'))
    .addOption(new Option('--name <name>', 'ask for a stable URL /t/<name> instead of a random id').env('HOOKTUNNEL_NAME'))
    .option('--force', "take the name over from another connected client (on a relay with tokens, only your token's names; never another client's random id)")
    .addOption(new Option('--db <file>', 'capture database (default: the db of hooktunnel.yml, else $XDG_DATA_HOME/hooktunnel/hooktunnel.db)').env('HOOKTUNNEL_DB'))
    .option('--no-store', 'forward without recording')
    .addOption(
      new Option('--redact <rule>', 'store this redacted: header:<name> or body:<json path> (repeatable; the app still gets the real bytes)')
        .argParser(repeatable),
    )
    .addOption(localTimeoutOption('wait this long for the local app (45s, 2m; 0 waits forever), after a sender that hung up too: its late answer is recorded'))
    .addOption(new Option('--host-header <mode>', 'Host sent to the local app: rewrite, preserve, or a value').default(DEFAULT_HOST_HEADER))
    .option('--json', 'print newline-delimited JSON events instead of text (a failure ends them with an "error" event)')
    .option('--no-tui', 'plain log lines even in a terminal')
    .option('--no-retry', 'exit instead of reconnecting when the relay cannot be reached')
    .addOption(new Option('--embedded-port <port>', 'port of the embedded relay').default(String(DEFAULT_EMBEDDED_PORT)).env('HOOKTUNNEL_EMBEDDED_PORT'))
    .addHelpText(
      'after',
      `
Examples:
  hooktunnel listen 3000                               embedded relay, forwards to http://localhost:3000
  hooktunnel listen http://127.0.0.1:8000/api          forwards /x to http://127.0.0.1:8000/api/x
  hooktunnel listen localhost:3000/webhooks/stripe     as stripe listen --forward-to localhost:3000/webhooks/stripe
  hooktunnel listen localhost:3000/api/github/webhooks as smee --target http://localhost:3000/api/github/webhooks
  hooktunnel listen 3000 --relay https://hooks.example.com --name stripe-dev
  hooktunnel listen 3000 --json | jq .                  one JSON object per event
  hooktunnel listen 3000 --ack --ack-path /stripe       Stripe hears 200 at once; retried while the app is down
  hooktunnel listen                                    routes from ./hooktunnel.yml (check it: hooktunnel config check)
  hooktunnel listen 3000 --inspect-port 4050            the web inspector on http://127.0.0.1:4050/

While listen is away (stopped, asleep, reconnecting), a relay with a queue answers senders 202 and delivers their
requests, in order, when it is back; a restarted listen keeps its URL. That takes a relay that keeps running: the
embedded relay runs inside listen, so once the listen hosting it stops, senders are refused until one starts again.

SIGTERM or Ctrl-C (outside the live inspector) stops once the requests the app already has are answered and
recorded, each within --timeout; requests arriving meanwhile are not given to the app but handed back to the relay
(a relay with a queue answers them 202 and the next listen delivers them). A second signal stops at once (the relay
then answers the requests in flight 202 and the next listen delivers them).

The web inspector (http://127.0.0.1:4040/ or the next free port; the printed link carries a per-run secret that
allows replays) shows every exchange live in a browser. --no-web turns it off.`,
    )
    .action(async (target: string | undefined, flags: ListenFlags & ForeignFlags, command: Command) => {
      refuseForeignFlags(target, flags);
      const [{ listen }, { userSetKeys }] = await Promise.all([import('../actions/listen.js'), import('../project-flags.js')]);
      await listen(target, flags, userSetKeys(command, flags));
    });
}
