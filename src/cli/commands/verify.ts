// `hooktunnel verify <id>`: re-check a recorded request's signature with the secrets known now.

import { Command, Option } from 'commander';
import { dbOption } from '../db-option.js';
import { withSecretOptions, type SecretFlags } from '../secret-options.js';
import { signatureHint } from '../../webhooks/missing-secret.js';
import { jsonText } from '../../output/json-text.js';
import { withJsonErrors } from '../json-error.js';
import { EVENT_ID_HELP, IDS_ARGUMENT } from '../id-argument.js';

interface VerifyFlags extends SecretFlags {
  db?: string;
  json?: boolean;
}

export function verifyCommand(): Command {
  return withSecretOptions(withJsonErrors(new Command('verify')))
    .description('Re-check the signature of recorded requests with the secrets known now (as of when each arrived).')
    .argument('<ids...>', IDS_ARGUMENT)
    .addOption(new Option(...dbOption).env('HOOKTUNNEL_DB'))
    .option('--json', 'print one JSON object per exchange')
    .addHelpText(
      'after',
      `
The new verdict is recorded. Without a secret for the provider now, nothing is checked and a verdict recorded
earlier is kept.

Exit status: 0 when every signature was checked now and is valid, 1 otherwise.
With --json, an id with no exchange is {"error":{"code":"not_found","message","hint","id"}} on stderr, one line per id
(with "eventId" for an event id).

${EVENT_ID_HELP}

Examples:
  hooktunnel verify 12 --secret stripe=whsec_…
  hooktunnel verify evt_1NxAbc2eZvKYlo2C`,
    )
    .action(async (ids: string[], flags: VerifyFlags) => {
      const [{ openExistingStore }, { parseRef }, { lookUpAll, reportGone }, { loadSecretsHere }, { readProjectHere }, { analyzeWebhook }, { webhookInputFromExchange }, { sanitize }, { reportUnwritten }, { asStoredRedacted }] = await Promise.all([
        import('../open-store.js'),
        import('../exchange-ids.js'),
        import('../not-found.js'),
        import('../project-secrets.js'),
        import('../project-here.js'),
        import('../../webhooks/analyze.js'),
        import('../../webhooks/verify.js'),
        import('../../sanitize.js'),
        import('../unwritten.js'),
        import('../../webhooks/redacted-verdict.js'),
      ]);
      // hooktunnel.yml read once, for its secrets and db alike.
      const project = await readProjectHere();
      const secrets = await loadSecretsHere(flags, process.env, project);
      const store = await openExistingStore(flags.db, project);
      // What to do about a secret that was missing: said once per provider, after the verdicts.
      const hints = new Set<string>();
      try {
        // Every id is checked before any verdict is recorded, as replay and retry check theirs before sending.
        const json = flags.json ?? false;
        const found = lookUpAll(store, ids.map(parseRef), { undone: 'nothing verified', json, idFields: (id) => ({ id }) });
        if (!found) return;
        for (const { id } of found) {
          const exchange = store.get(id);
          if (!exchange) {
            // Deleted since the ids were checked (a prune in another terminal): the others are still verified.
            reportGone(`no exchange #${id} (it was deleted meanwhile, by a prune?); not verified`, { id }, json);
            process.exitCode = 1;
            continue;
          }
          // Checked as of arrival, so the timestamp window judges the delivery, not how long ago it was.
          // Stored redacted, a failed check must not replace the verdict listen gave at arrival over the real bytes.
          const checked = analyzeWebhook(webhookInputFromExchange(exchange), secrets, exchange.receivedAt, exchange.path);
          const analysis = asStoredRedacted(checked, exchange.redacted, exchange.replayOf !== null);
          // Without a secret now, a verdict checked earlier (at arrival, with the secret listen had) is kept, not erased.
          const stored = exchange.webhook;
          const keep = analysis.verification === 'unchecked' && stored !== null && stored !== undefined && stored.verification !== 'unchecked';
          // A replay repeats its original on purpose: no duplicate or out-of-order mark, as when it was recorded.
          const info = keep ? stored : store.recordAnalysis(id, analysis, { url: exchange.url, isReplay: exchange.replayOf !== null });
          const kept = keep ? { checkedNow: false, reasonNow: analysis.reason } : {};
          if (flags.json) process.stdout.write(`${jsonText({ id, ...info, ...kept })}\n`);
          else {
            const who = info.provider ? `${info.provider}${info.eventType ? ` ${info.eventType}` : ''}` : 'no known provider';
            const verdict = keep
              ? `not checked now (${sanitize(analysis.reason ?? 'no secret')}); the recorded verdict stays: ${info.verification}`
              : `${info.verification}${info.reason ? ` (${sanitize(info.reason)})` : ''}`;
            process.stdout.write(`#${id} ${sanitize(who)}: ${verdict}\n`);
          }
          if (keep || info.verification !== 'valid') process.exitCode = 1;
          const hint = signatureHint(analysis.reason, analysis.provider);
          if (hint) hints.add(hint);
        }
        for (const hint of hints) process.stderr.write(`hint: ${hint}\n`);
        reportUnwritten(store, ids.length === 1 ? 'the new verdict' : 'the new verdicts', json);
      } finally {
        store.close();
      }
    });
}
