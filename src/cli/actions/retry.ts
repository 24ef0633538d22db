// Runs `retry`: one manual attempt per exchange, claimed in the store so a listener's automatic retry cannot double it.

import { chalkStderr } from 'chalk';
import { alreadySucceeded, ExchangeGone, manualRetry, retryTarget } from '../../delivery/manual-retry.js';
import { parseDuration } from '../../duration.js';
import { usageError } from '../../errors.js';
import { exchangeToJson, type ExchangeSummary } from '../../exchange.js';
import { logLine } from '../../output/exchange-text.js';
import { openExistingStore } from '../open-store.js';
import { parseRef } from '../exchange-ids.js';
import { lookUpAll, reportGone, type IdFields } from '../not-found.js';
import { deliveryFailure } from '../../delivery/delivery-failure.js';
import { writeDeliveryFailureJson } from '../delivery-failure-json.js';
import type { SecretFlags } from '../secret-options.js';
import { loadSecretsHere } from '../project-secrets.js';
import { readProjectHere } from '../project-here.js';
import { reportUnwritten } from '../unwritten.js';
import { jsonText } from '../../output/json-text.js';

/** The flags of `hooktunnel retry` as its command parses them (the command imports this type; never the reverse). */
export interface RetryFlags extends SecretFlags {
  db?: string;
  timeout: string;
  json?: boolean;
  /** Send exchanges that already succeeded too. */
  force?: boolean;
  /** false: --no-resign-late. */
  resignLate?: boolean;
}

/** Refuses the whole command, before anything is sent, when any exchange already succeeded (unless --force). */
function refuseSucceeded(exchanges: ExchangeSummary[], ids: number[]): void {
  const done = exchanges.filter(alreadySucceeded);
  if (done.length === 0) return;
  const list = done.map((e) => `#${e.id} (${e.status})`).join(', ');
  const what = done.length === 1 ? `exchange ${list} already succeeded` : `exchanges ${list} already succeeded`;
  const one = ids.length === 1 ? ` (another attempt of #${ids[0]}) or \`hooktunnel replay ${ids[0]}\` (a new exchange)` : ', or `hooktunnel replay` them as new exchanges';
  throw usageError(`${what}; nothing sent`, `to send it anyway: \`hooktunnel retry ${ids.join(' ')} --force\`${one}`, 'succeeded');
}

/** A retry makes no new exchange: its JSON error names the exchange it was for, as its JSON line does. */
const retriedId: IdFields = (id) => ({ id });

export async function retry(ids: string[], flags: RetryFlags): Promise<void> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const selected = ids.map(parseRef);
  // hooktunnel.yml read once, for its secrets and db alike.
  const project = await readProjectHere();
  const secrets = await loadSecretsHere(flags, process.env, project);
  const store = await openExistingStore(flags.db, project);
  try {
    // Every id is checked before any is sent.
    const originals = lookUpAll(store, selected, { undone: 'nothing retried', json: flags.json ?? false, idFields: retriedId });
    if (!originals) return;
    for (const original of originals) retryTarget(original);
    // By exchange id, event ids looked up: the hint's command names what is retried.
    if (!flags.force) refuseSucceeded(originals, originals.map((original) => original.id));
    const onStoreError = (error: Error) => process.stderr.write(`warning: the attempt was not fully recorded: ${error.message}\n`);
    let failed = false;
    let lastGone: ExchangeGone | undefined;
    for (const original of originals) {
      let exchange: ExchangeSummary;
      try {
        exchange = await manualRetry(store, original, { timeoutMs, secrets, resignLate: flags.resignLate, onStoreError });
      } catch (error) {
        // Deleted since the check (a prune elsewhere): one id lost must not cost the others their attempt, as in `replay`.
        if (!(error instanceof ExchangeGone)) throw error;
        reportGone(error.message, retriedId(original.id), flags.json ?? false);
        lastGone = error;
        continue;
      }
      // Stdout stays one exchange per line (--json too); a gone id is an error line on stderr, as `replay` reports it.
      process.stdout.write(flags.json ? `${jsonText(exchangeToJson(exchange))}\n` : `${logLine(exchange)}\n`);
      // Not taken (no answer, or a 5xx): with --json also an error on stderr, as `replay` reports one it could not deliver.
      const failure = deliveryFailure(exchange, true);
      if (failure && flags.json) writeDeliveryFailureJson(failure, retriedId(exchange.id));
      if (failure) failed = true;
    }
    // The hint once, after every gone id was named, rather than once per id; not beside --json error objects, which are read by scripts.
    if (lastGone?.hint && !flags.json) process.stderr.write(`${chalkStderr.dim('hint:')} ${lastGone.hint}\n`);
    if (failed || lastGone) process.exitCode = 1;
    reportUnwritten(store, originals.length === 1 ? 'the attempt' : 'the attempts', flags.json);
  } finally {
    store.close();
  }
}
