// One manual attempt at a recorded exchange (`hooktunnel retry`, the inspector's retry): back to the app that had it,
// through its route, claimed in the store so a listener's automatic retry cannot double it.

import { UserError } from '../errors.js';
import type { ExchangeSummary } from '../exchange.js';
import { Forwarder } from '../forward/forwarder.js';
import type { Target } from '../forward/target.js';
import { appliedRules } from '../redact/redact.js';
import { INCOMPLETE_WHY, originalTarget, replayProblem } from '../replay.js';
import { routePort } from '../routes/forwarded-path.js';
import type { Store } from '../store/store.js';
import type { Secrets } from '../webhooks/secrets.js';
import { runAttempt } from './attempt.js';
import { retryDelay } from './retry-schedule.js';

/** The app took it (2xx/3xx): retrying would deliver it twice. A 4xx is the app refusing it, worth a retry once fixed. */
export const alreadySucceeded = (e: ExchangeSummary) => e.state === 'complete' && e.status !== null && e.status < 400;

export interface ManualRetryOptions {
  timeoutMs: number;
  secrets?: Secrets;
  /** Re-sign a delivery whose signature has aged past its provider's window (default true; --no-resign-late). */
  resignLate?: boolean;
  /** Where to send it instead of its recorded target (the inspector's --to). */
  to?: Target;
  onStoreError?: (error: Error) => void;
}

/**
 * Where a retry of this exchange goes; a UserError (nothing sent) when it cannot be retried: stored redacted, or
 * answered by hooktunnel itself (a mock route, no route). `retry` checks every id with it before sending any.
 */
export function retryTarget(original: ExchangeSummary, to?: Target): Target {
  const { id } = original;
  // Retries send what is stored, as is: no new body, never redacted values.
  const problem = replayProblem(original, { to });
  if (problem === 'incomplete') {
    throw new UserError(`exchange #${id} has only part of its request body: it was cut off mid-body (${INCOMPLETE_WHY}); a retry would send a truncated request; nothing sent`, {
      hint: `use \`hooktunnel replay ${id} --body-file <file>\` to send it with the whole body`,
      exitCode: 2,
      code: 'incomplete',
    });
  }
  if (problem === 'redacted') {
    throw new UserError(`exchange #${id} was stored redacted (${appliedRules(original.redacted).join(', ')}); a retry would send [REDACTED] in place of the real values; nothing sent`, {
      hint: `use \`hooktunnel replay ${id} --allow-redacted\` to send it anyway`,
      exitCode: 2,
      code: 'redacted',
    });
  }
  return to ?? originalTarget(original, `use \`hooktunnel replay ${id} --to <port|url>\` to send it to an app; nothing sent`);
}

/** The exchange was deleted (a prune in another terminal) after it was looked up: `retry` reports it and goes on with the rest. */
export class ExchangeGone extends UserError {
  constructor(readonly id: number) {
    super(`no exchange #${id} (it was deleted meanwhile, by a prune?); not retried`, { hint: 'run `hooktunnel ls` to see the recorded ids', code: 'not_found' });
    this.name = 'ExchangeGone';
  }
}

/**
 * Refused with a UserError (nothing sent) for the reasons retryTarget gives, when another attempt is running, or when
 * the exchange is gone (ExchangeGone). Resolves with the exchange after the attempt.
 */
export async function manualRetry(store: Store, original: ExchangeSummary, options: ManualRetryOptions): Promise<ExchangeSummary> {
  const { id } = original;
  const target = retryTarget(original, options.to);
  // A routed exchange goes back to its route's target with the rest of its path.
  const forwarder = routePort(new Forwarder(target, { timeoutMs: options.timeoutMs, hostHeader: 'rewrite' }), original.route);
  try {
    const { timeoutMs, secrets, onStoreError } = options;
    const resignSecrets = options.resignLate === false ? undefined : secrets;
    const context = { store, forwarder, schedule: (n: number) => retryDelay(n), timeoutMs, secrets, resignSecrets, onStoreError };
    const result = await runAttempt(context, id, 'manual');
    if (result.sent) return result.exchange;
    // Not found, as for any unknown id (README, Exit codes): 1, not a usage mistake.
    if (result.missing) throw new ExchangeGone(id);
    throw new UserError(`exchange #${id} is being delivered right now${result.heldBy ? ` by process ${result.heldBy}` : ''}; nothing sent`, {
      hint: 'wait for that attempt to finish (`hooktunnel show` lists every attempt), then retry if it failed',
      code: 'in_flight',
    });
  } finally {
    forwarder.close();
  }
}
