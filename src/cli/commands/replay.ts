// `hooktunnel replay <id>`: send a recorded request again, exactly, and record the replay.

import { Command, Option } from 'commander';
import { dbOption } from '../open-store.js';

interface ReplayFlags {
  db?: string;
  to?: string;
  json?: boolean;
  timeout: string;
}

export function replayCommand(): Command {
  return new Command('replay')
    .description('Send a recorded request to the local app again: same method, path, headers and body bytes.')
    .argument('<id>', 'exchange id, as `hooktunnel ls` prints it')
    .option('--to <port|url>', 'send it here instead of the original target')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .addOption(new Option('--timeout <duration>', 'wait this long for the local app (0 waits forever)').default('30s').env('HOOKTUNNEL_TIMEOUT'))
    .option('--json', 'print the new exchange as JSON')
    .addHelpText('after', '\nExit status: 0 when the local app answered (whatever the status), 1 when it could not be reached.\n\nExamples:\n  hooktunnel replay 12\n  hooktunnel replay 12 --to 4000')
    .action(async (idArg: string, flags: ReplayFlags) => {
      const [{ openExistingStore, parseId, unknownId }, { replayExchange }, { parseTarget }, { parseDuration }, { exchangeToJson }, { logLine }] =
        await Promise.all([
          import('../open-store.js'),
          import('../../replay.js'),
          import('../../forward/target.js'),
          import('../../duration.js'),
          import('../../exchange.js'),
          import('../../output/exchange-text.js'),
        ]);
      const id = parseId(idArg);
      const to = flags.to ? parseTarget(flags.to, '--to') : undefined;
      const timeoutMs = parseDuration(flags.timeout, '--timeout');
      const store = openExistingStore(flags.db);
      try {
        const result = await replayExchange(store, id, {
          to,
          timeoutMs,
          onStoreError: (error) => process.stderr.write(`warning: the replay was not recorded: ${error.message}\n`),
        });
        if (!result) throw unknownId(id, store.path);
        process.stdout.write(flags.json ? `${JSON.stringify(exchangeToJson(result))}\n` : `${logLine(result)}\n`);
        // The app answered (any status): success. It could not be reached or failed mid-answer: failure.
        if (result.state === 'failed') process.exitCode = 1;
      } finally {
        store.close();
      }
    });
}
