// `hooktunnel verify <id>`: re-check a recorded request's signature with the secrets known now.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import { withSecretOptions, type SecretFlags } from '../secret-options.js';
import { jsonText } from '../../output/json-text.js';

interface VerifyFlags extends SecretFlags {
  db?: string;
  json?: boolean;
}

export function verifyCommand(): Command {
  return withSecretOptions(new Command('verify'))
    .description('Re-check the signature of recorded requests with the secrets known now (as of when each arrived).')
    .argument('<ids...>', 'exchange ids, as `hooktunnel ls` prints them')
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .option('--json', 'print one JSON object per exchange')
    .addHelpText('after', '\nExit status: 0 when every signature is valid, 1 otherwise.\n\nExample:\n  hooktunnel verify 12 --secret stripe=whsec_…')
    .action(async (ids: string[], flags: VerifyFlags) => {
      const [{ openExistingStore, parseId, unknownId }, { loadSecrets }, { analyzeWebhook }, { sanitize }] = await Promise.all([
        import('../open-store.js'),
        import('../secret-options.js'),
        import('../../webhooks/analyze.js'),
        import('../../sanitize.js'),
      ]);
      const secrets = loadSecrets(flags);
      const store = openExistingStore(flags.db);
      try {
        for (const id of ids.map(parseId)) {
          const exchange = store.get(id);
          if (!exchange) throw unknownId(id, store.path);
          // Checked as of arrival, so the timestamp window judges the delivery, not how long ago it was.
          const analysis = analyzeWebhook({ headers: exchange.requestHeaders, body: exchange.requestBody, url: exchange.url }, secrets, exchange.receivedAt);
          const info = store.recordAnalysis(id, analysis);
          if (flags.json) process.stdout.write(`${jsonText({ id, ...info })}\n`);
          else {
            const who = info.provider ? `${info.provider}${info.eventType ? ` ${info.eventType}` : ''}` : 'no known provider';
            process.stdout.write(`#${id} ${sanitize(who)}: ${info.verification}${info.reason ? ` (${sanitize(info.reason)})` : ''}\n`);
          }
          if (info.verification !== 'valid') process.exitCode = 1;
        }
      } finally {
        store.close();
      }
    });
}
