// `hooktunnel show <id>`: one exchange in full, as text, JSON, or raw body bytes.

import { Command, Option } from 'commander';
import { UserError, usageError } from '../../errors.js';
import { dbOption } from '../db-option.js';
import { EVENT_ID_HELP, ID_ARGUMENT } from '../id-argument.js';
import { jsonText } from '../../output/json-text.js';
import { withJsonErrors } from '../json-error.js';
import { terminalHazard } from '../../sanitize.js';

interface ShowFlags {
  db?: string;
  json?: boolean;
  response?: boolean;
  request?: boolean;
  raw?: boolean;
  curl?: boolean;
  httpie?: boolean;
  har?: boolean;
  to?: string;
}

export function showCommand(): Command {
  return withJsonErrors(new Command('show'))
    .description('Show one recorded exchange: request and response with headers and bodies.')
    .argument('<id>', ID_ARGUMENT)
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .option('--json', 'the documented JSON shape, bodies included')
    .option('--request', 'only the request (text, or with --raw)')
    .option('--response', 'only the response (text, or with --raw)')
    .option('--raw', 'write the exact request body bytes to stdout (with --response: the response body)')
    .option('--curl', 'print a curl command that resends the request (exact bytes, shell-quoted)')
    .option('--httpie', 'print an HTTPie command that resends the request')
    .option('--har', 'print the exchange as a HAR 1.2 archive')
    .option('--to <port|url>', 'with --curl/--httpie: send to this target instead of the original one')
    .addHelpText(
      'after',
      `
One output at a time: --json, --raw, --curl, --httpie and --har exclude each other; --request / --response go with
the text page or --raw; --to with --curl / --httpie. Other combinations exit 2.

${EVENT_ID_HELP}

Examples:
  hooktunnel show 12
  hooktunnel show evt_1NxAbc2eZvKYlo2C                  the Stripe event, as its sender first delivered it
  hooktunnel show 9f8e7d60-1c2b-11ef-8a3e-2f4b5c6d7e8f  a GitHub delivery, by its X-GitHub-Delivery
  hooktunnel show 12 --raw > body.bin
  hooktunnel show 12 --json | jq .request.headers`,
    )
    .action(async (idArg: string, flags: ShowFlags) => {
      const [{ openExistingStore }, { parseRef, unknownRef }, { readRefs }, { exchangeDetail }, { exchangeToJson }] = await Promise.all([
        import('../open-store.js'),
        import('../exchange-ids.js'),
        import('../event-id.js'),
        import('../../output/exchange-text.js'),
        import('../../exchange.js'),
      ]);
      checkFlags(flags);
      const ref = parseRef(idArg);
      const store = await openExistingStore(flags.db);
      try {
        const [exchange] = readRefs(store, [ref], (id) => store.get(id));
        if (!exchange) throw unknownRef(ref, store.path);
        if (flags.curl || flags.httpie || flags.har) {
          process.stdout.write(`${await exportOne(exchange, flags)}\n`);
        } else if (flags.raw) {
          // No answer from the app (hooktunnel's own 502/504 has no recorded response): nothing to write is an error.
          if (flags.response && (exchange.responseBody === null || exchange.responseHeaders === null)) throw noResponse(exchange);
          // Exact bytes, nothing else: the one place untrusted bytes are written unescaped, on purpose; to a file or
          // a pipe. A terminal would act on escape sequences in them (an OSC 52 one writes the clipboard).
          const bytes = flags.response ? exchange.responseBody! : exchange.requestBody;
          const hazard = process.stdout.isTTY ? terminalHazard(bytes) : null;
          if (hazard) throw rawToTerminal(exchange.id, flags.response ? 'response' : 'request', hazard);
          process.stdout.write(bytes);
        } else if (flags.json) {
          process.stdout.write(`${jsonText(exchangeToJson(exchange), 2)}\n`);
        } else {
          const part = flags.response ? 'response' : flags.request ? 'request' : 'both';
          process.stdout.write(`${exchangeDetail(exchange, part)}\n`);
        }
      } finally {
        store.close();
      }
    });
}

/** Every combination of flags does what it says, or is refused here (exit 2), before the database is opened. */
function checkFlags(flags: ShowFlags): void {
  const forms = (['json', 'raw', 'curl', 'httpie', 'har'] as const).filter((form) => flags[form]);
  if (forms.length > 1) {
    throw usageError(
      `--${forms[0]} and --${forms[1]} cannot be used together`,
      'choose one output: --json (the whole exchange), --raw (body bytes), --curl / --httpie (a command that resends the request) or --har',
    );
  }
  if (flags.request && flags.response) throw usageError('--request and --response cannot be used together', 'show prints both when given neither');
  const part = flags.request ? '--request' : flags.response ? '--response' : undefined;
  const form = forms[0];
  if (part && form && form !== 'raw') {
    throw usageError(
      `${part} cannot be used with --${form}`,
      form === 'json'
        ? `--json prints the whole exchange; take one part with jq, e.g. \`hooktunnel show <id> --json | jq .${part.slice(2)}\``
        : `--${form} always covers the whole ${form === 'har' ? 'exchange' : 'request'}; leave out ${part}`,
    );
  }
  if (flags.to !== undefined && !flags.curl && !flags.httpie) throw usageError('--to only applies to --curl or --httpie', 'for example `hooktunnel show 12 --curl --to 4000`');
}

/** `--raw` to a terminal, of bytes it would act on rather than show. */
function rawToTerminal(id: number, part: 'request' | 'response', hazard: 'binary' | 'controls'): UserError {
  const what = hazard === 'binary' ? 'is binary' : 'holds terminal control characters (escape sequences)';
  const flags = part === 'response' ? '--raw --response' : '--raw';
  return usageError(
    `the ${part} body of #${id} ${what}: written raw to this terminal, the sender's bytes could act on it`,
    `send it to a file or a pipe (\`hooktunnel show ${id} ${flags} > body.bin\`, \`| xxd\`), or read it escaped with \`hooktunnel show ${id}\``,
  );
}

/** `--raw --response` on an exchange that has no response: nothing to write is an error, not an empty success. */
function noResponse(exchange: import('../../exchange.js').Exchange): UserError {
  const why =
    exchange.state === 'pending'
      ? 'it is still waiting for an answer'
      : exchange.state === 'interrupted'
        ? 'the recording process stopped before an answer arrived'
        : `it failed${exchange.errorMessage ? `: ${exchange.errorMessage}` : ''}`;
  return new UserError(`exchange #${exchange.id} has no response body to write: ${why}`, {
    hint: `\`hooktunnel show ${exchange.id}\` shows what happened; \`--raw\` without --response writes the request body`,
  });
}

async function exportOne(exchange: import('../../exchange.js').Exchange, flags: ShowFlags): Promise<string> {
  if (flags.har) {
    const [{ toHar }, { VERSION }] = await Promise.all([import('../../export/har.js'), import('../version.js')]);
    return jsonText(toHar([exchange], { version: VERSION }), 2);
  }
  const { parseTarget } = await import('../../forward/target.js');
  const base = flags.to ? parseTarget(flags.to, '--to').url : undefined;
  if (flags.curl) return (await import('../../export/curl.js')).toCurl(exchange, base);
  return (await import('../../export/httpie.js')).toHttpie(exchange, base);
}
