// Runs `retry`: one manual attempt per exchange, claimed in the store so a listener's automatic retry cannot double it.

import { runAttempt } from '../../delivery/attempt.js';
import { retryDelay } from '../../delivery/retry-schedule.js';
import { parseDuration } from '../../duration.js';
import { UserError, usageError } from '../../errors.js';
import { exchangeToJson, type ExchangeSummary } from '../../exchange.js';
import { originalTarget } from '../../replay.js';
import { Forwarder } from '../../forward/forwarder.js';
import { routePort } from '../../routes/forwarded-path.js';
import { logLine } from '../../output/exchange-text.js';
import { openExistingStore, parseId, unknownId } from '../open-store.js';
import { loadSecrets, type SecretFlags } from '../secret-options.js';
import { jsonText } from '../../output/json-text.js';

/** The flags of `hooktunnel retry` as its command parses them (the command imports this type; never the reverse). */
export interface RetryFlags extends SecretFlags {
  db?: string;
  timeout: string;
  json?: boolean;
  /** Send exchanges that already succeeded too. */
  force?: boolean;
}

/** The app took it (2xx/3xx): retrying would deliver it twice. A 4xx is the app refusing it, worth a retry once fixed. */
const succeeded = (e: ExchangeSummary) => e.state === 'complete' && e.status !== null && e.status < 400;

/** Refuses the whole command, before anything is sent, when any exchange already succeeded (unless --force). */
function refuseSucceeded(exchanges: ExchangeSummary[], ids: number[]): void {
  const done = exchanges.filter(succeeded);
  if (done.length === 0) return;
  const list = done.map((e) => `#${e.id} (${e.status})`).join(', ');
  const what = done.length === 1 ? `exchange ${list} already succeeded` : `exchanges ${list} already succeeded`;
  const one = ids.length === 1 ? ` (another attempt of #${ids[0]}) or \`hooktunnel replay ${ids[0]}\` (a new exchange)` : ', or `hooktunnel replay` them as new exchanges';
  throw usageError(`${what}; nothing sent`, `to send it anyway: \`hooktunnel retry ${ids.join(' ')} --force\`${one}`);
}

/** Refuses the whole command, before anything is sent, when any exchange was stored redacted (--force does not help). */
function refuseRedacted(exchanges: ExchangeSummary[]): void {
  const redacted = exchanges.find((e) => e.redacted?.length);
  if (!redacted) return;
  throw new UserError(`exchange #${redacted.id} was stored redacted (${redacted.redacted!.join(', ')}); a retry would send [REDACTED] in place of the real values; nothing sent`, {
    hint: `use \`hooktunnel replay ${redacted.id} --allow-redacted\` to send it anyway`,
    exitCode: 2,
  });
}

export async function retry(ids: string[], flags: RetryFlags): Promise<void> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const selected = ids.map(parseId);
  const secrets = loadSecrets(flags);
  const store = openExistingStore(flags.db);
  try {
    const originals = selected.map((id) => store.get(id) ?? throwUnknown(id, store.path));
    refuseRedacted(originals);
    if (!flags.force) refuseSucceeded(originals, selected);
    // Checked for all before any is sent: one answered by a mock route (or by no route) has no app to go back to.
    const targets = originals.map((original) => originalTarget(original, `use \`hooktunnel replay ${original.id} --to <port|url>\` to send it to an app; nothing sent`));
    let failed = false;
    for (const [i, original] of originals.entries()) {
      const id = original.id;
      // A routed exchange goes back to its route's target with the rest of its path.
      const forwarder = routePort(new Forwarder(targets[i], { timeoutMs, hostHeader: 'rewrite' }), original.route);
      try {
        const onStoreError = (error: Error) => process.stderr.write(`warning: the attempt was not fully recorded: ${error.message}\n`);
        const result = await runAttempt({ store, forwarder, schedule: (n) => retryDelay(n), timeoutMs, secrets, onStoreError }, id, 'manual');
        if (!result.sent) {
          if (result.missing) throw unknownId(id, store.path);
          throw new UserError(`exchange #${id} is being delivered right now${result.heldBy ? ` by process ${result.heldBy}` : ''}; nothing sent`, {
            hint: 'wait for that attempt to finish (`hooktunnel show` lists every attempt), then retry if it failed',
          });
        }
        const exchange = result.exchange;
        process.stdout.write(flags.json ? `${jsonText(exchangeToJson(exchange))}\n` : `${logLine(exchange)}\n`);
        if (exchange.state === 'failed' || (exchange.status ?? 0) >= 500) failed = true;
      } finally {
        forwarder.close();
      }
    }
    if (failed) process.exitCode = 1;
  } finally {
    store.close();
  }
}

function throwUnknown(id: number, path: string): never {
  throw unknownId(id, path);
}
