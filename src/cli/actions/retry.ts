// Runs `retry`: one manual attempt per exchange, claimed in the store so a listener's automatic retry cannot double it.

import { runAttempt } from '../../delivery/attempt.js';
import { retryDelay } from '../../delivery/retry-schedule.js';
import { parseDuration } from '../../duration.js';
import { UserError } from '../../errors.js';
import { exchangeToJson } from '../../exchange.js';
import { Forwarder } from '../../forward/forwarder.js';
import { parseTarget } from '../../forward/target.js';
import { logLine } from '../../output/exchange-text.js';
import { openExistingStore, parseId, unknownId } from '../open-store.js';
import { loadSecrets, type SecretFlags } from '../secret-options.js';
import { jsonText } from '../../output/json-text.js';

/** The flags of `hooktunnel retry` as its command parses them (the command imports this type; never the reverse). */
export interface RetryFlags extends SecretFlags {
  db?: string;
  timeout: string;
  json?: boolean;
}

export async function retry(ids: string[], flags: RetryFlags): Promise<void> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const selected = ids.map(parseId);
  const secrets = loadSecrets(flags);
  const store = openExistingStore(flags.db);
  try {
    let failed = false;
    for (const id of selected) {
      const original = store.get(id);
      if (!original) throw unknownId(id, store.path);
      const forwarder = new Forwarder(parseTarget(original.target), { timeoutMs, hostHeader: 'rewrite' });
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
