// One attempt at delivering a recorded exchange to the local app: claim it (so nobody else sends it at the same time),
// send the stored request, record the answer on the same exchange, and decide when the next attempt is due.

import type { ExchangeSummary } from '../exchange.js';
import { runExchange } from '../exchange-runner.js';
import type { ForwardPort } from '../forward/forward-port.js';
import type { RetrySchedule } from '../store/deliveries.js';
import type { Store } from '../store/store.js';
import type { Secrets } from '../webhooks/secrets.js';
import { resignIfStale, webhookInputFromExchange } from '../webhooks/verify.js';

export interface AttemptContext {
  store: Store;
  forwarder: ForwardPort;
  schedule: RetrySchedule;
  /** The local app timeout; the claim lasts a little longer (0: forever, then an hour). */
  timeoutMs: number;
  secrets?: Secrets;
  /** Re-sign an attempt whose signature has aged past its provider's window with these (undefined: never). */
  resignSecrets?: Secrets;
  onStoreError?: (error: Error) => void;
}

export type AttemptResult =
  | { sent: true; exchange: ExchangeSummary }
  /**
   * Someone else is running an attempt (heldBy: its pid), nothing is due, the exchange is gone, or (busy, `auto` only)
   * another process holds the database's write lock and the attempt stays due.
   */
  | { sent: false; heldBy?: number; missing?: boolean; busy?: boolean };

const LEASE_GRACE_MS = 30_000;
const FOREVER_LEASE_MS = 60 * 60_000;

/** Did the local app fail in a way another attempt may fix (down, timed out, cut off, or a 5xx)? */
export function isRetryable(exchange: ExchangeSummary): boolean {
  if (exchange.state === 'failed') return exchange.errorCode !== 'sender_gone';
  return exchange.status !== null && exchange.status >= 500;
}

/** `auto`: only when an automatic attempt is due (the listener); `manual`: now, unless one is running (hooktunnel retry). */
export async function runAttempt(ctx: AttemptContext, exchangeId: number, trigger: 'auto' | 'manual'): Promise<AttemptResult> {
  const { store } = ctx;
  const leaseMs = (ctx.timeoutMs > 0 ? ctx.timeoutMs : FOREVER_LEASE_MS) + LEASE_GRACE_MS;
  const claim = store.deliveries.claim(exchangeId, trigger, leaseMs);
  if (!claim.ok) return { sent: false, heldBy: claim.heldBy, busy: claim.busy, missing: claim.missing };
  const original = store.get(exchangeId);
  if (!original) {
    store.deliveries.release(exchangeId);
    return { sent: false, missing: true };
  }
  if (original.attempts === undefined && original.state !== 'pending') {
    const { receivedAt: startedAt, status, errorCode, errorMessage, durationMs } = original;
    store.deliveries.recordFirst(exchangeId, { startedAt, trigger: 'auto', status, errorCode, errorMessage, durationMs });
  }
  const startedAt = Date.now();
  const forwardHeaders = ctx.resignSecrets && resignIfStale(webhookInputFromExchange(original), ctx.resignSecrets, original.receivedAt, startedAt, original.path);
  const running = runExchange(
    {
      method: original.method,
      path: original.path,
      headers: original.requestHeaders,
      forwardHeaders,
      body: original.requestBody,
      deliveryId: original.deliveryId,
      url: original.url,
      receivedAt: original.receivedAt,
      replayOf: original.replayOf,
    },
    { forwarder: ctx.forwarder, store, recording: store.reopen(exchangeId), recordedWebhook: original.webhook, secrets: ctx.secrets, onStoreError: ctx.onStoreError },
  );
  const exchange = await running.done;
  const { lateByMs, sender, deliveredAfter } = original;
  Object.assign(exchange, { lateByMs, sender, deliveredAfter });
  try {
    const settled = store.deliveries.settle(
      exchangeId,
      {
        startedAt,
        trigger,
        status: exchange.status,
        errorCode: exchange.errorCode,
        errorMessage: exchange.errorMessage,
        durationMs: exchange.durationMs,
        resigned: exchange.resigned === true,
        retryable: isRetryable(exchange),
      },
      ctx.schedule,
    );
    exchange.attempts = settled.attempt;
    if (settled.maxAttempts !== null) exchange.maxAttempts = settled.maxAttempts;
    if (settled.nextAttemptAt !== null) exchange.nextAttemptAt = settled.nextAttemptAt;
    if (settled.deliveredAfter !== null) exchange.deliveredAfter = settled.deliveredAfter;
  } catch (error) {
    // The answer is recorded on the exchange; the lease runs out by itself and the attempt may be made again.
    ctx.onStoreError?.(error as Error);
  }
  return { sent: true, exchange };
}
