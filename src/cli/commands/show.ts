// `hooktunnel show <id>`: one exchange in full, as text, JSON, or raw body bytes.

import { Command, Option } from 'commander';
import { dbOption } from '../open-store.js';

interface ShowFlags {
  db?: string;
  json?: boolean;
  response?: boolean;
  request?: boolean;
  raw?: boolean;
}

export function showCommand(): Command {
  return new Command('show')
    .description('Show one recorded exchange: request and response with headers and bodies.')
    .argument('<id>', 'exchange id, as `hooktunnel ls` prints it')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .option('--json', 'the documented JSON shape, bodies included')
    .option('--request', 'only the request')
    .option('--response', 'only the response')
    .option('--raw', 'write the exact request body bytes to stdout (with --response: the response body)')
    .addHelpText('after', '\nExamples:\n  hooktunnel show 12\n  hooktunnel show 12 --raw > body.bin\n  hooktunnel show 12 --json | jq .request.headers')
    .action(async (idArg: string, flags: ShowFlags) => {
      const [{ openExistingStore, parseId, unknownId }, { exchangeDetail }, { exchangeToJson }] = await Promise.all([
        import('../open-store.js'),
        import('../../output/exchange-text.js'),
        import('../../exchange.js'),
      ]);
      const id = parseId(idArg);
      const store = openExistingStore(flags.db);
      try {
        const exchange = store.get(id);
        if (!exchange) throw unknownId(id, store.path);
        if (flags.raw) {
          // Exact bytes, nothing else: the one place untrusted bytes are written unescaped, on purpose.
          process.stdout.write(flags.response ? (exchange.responseBody ?? Buffer.alloc(0)) : exchange.requestBody);
        } else if (flags.json) {
          process.stdout.write(`${JSON.stringify(exchangeToJson(exchange), null, 2)}\n`);
        } else {
          const part = flags.response ? 'response' : flags.request ? 'request' : 'both';
          process.stdout.write(`${exchangeDetail(exchange, part)}\n`);
        }
      } finally {
        store.close();
      }
    });
}
