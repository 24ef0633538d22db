// A request the relay already answered (client away, acknowledge mode, or its tunnel dropped mid-request): record it
// whole, ACK it once committed, and let the worker deliver it. A redelivery of something already stored, or still held
// by this process, is acknowledged again and not sent twice; one whose earlier attempt was cut off mid-body replaces it.

import { Readable } from 'node:stream';
import type { ExchangeSummary } from '../exchange.js';
import { runExchange, type ExchangeInput } from '../exchange-runner.js';
import { destinationOf, type ForwardPort } from '../forward/forward-port.js';
import type { QueuedMeta, RequestMeta } from '../protocol.js';
import type { Recording } from '../store/recording.js';
import type { Store } from '../store/store.js';
import type { Secrets } from '../webhooks/secrets.js';
import { resignIfStale } from '../webhooks/verify.js';
import { isRetryable } from './attempt.js';
import type { DeliveryWorker } from './delivery-worker.js';
import type { DeliveriesInHand } from './in-hand.js';

export interface QueuedContext {
  store: Store | null;
  worker: DeliveryWorker | undefined;
  forwarder: ForwardPort;
  maxAttempts: number;
  secrets?: Secrets;
  /** Re-sign a delivery whose signature has aged past its provider's window with these (undefined: never). */
  resignSecrets?: Secrets;
  /** Deliveries this process holds whose outcome the store does not have yet. */
  inHand: DeliveriesInHand;
  /** Tells the relay it may forget the delivery. */
  ack(deliveryId: string): void;
  onStoreError(error: Error): void;
  /** A delivery made outside the worker (no store, or a store that cannot take writes now). */
  onExchange(exchange: ExchangeSummary): void;
}

/** Collects a body that may arrive in several frames; rejects if the tunnel drops before its end. */
export function wholeBody(body: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return Promise.resolve(body);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => resolve(Buffer.concat(chunks)));
    body.once('error', reject);
  });
}

export async function acceptQueued(meta: RequestMeta, bodySource: Buffer | Readable, ctx: QueuedContext): Promise<void> {
  const queued = meta.queued!;
  let body: Buffer;
  try {
    body = await wholeBody(bodySource);
  } catch {
    // Cut off: no ACK, so the relay sends it again, whole, on the next connection.
    return;
  }
  // A delivery this process still holds (being forwarded, or recorded only in memory while the store is full or locked):
  // the store cannot tell whether it was delivered, so it must not be forwarded again on the store's say-so.
  const held = ctx.inHand.get(meta.deliveryId);
  if (held) {
    await held.done;
    const recording = held.recording;
    // Cut off mid-body: that attempt never reached the app whole; this delivery replaces it (below).
    if (!held.whole()) ctx.inHand.forget(meta.deliveryId);
    // Made once, and only in memory: ACKed once written. A record the full store had to drop is ACKed anyway (the app
    // has the request, and the loss is counted loudly); without a store there is nothing to wait for.
    else if (!recording || recording.dropped) return ctx.ack(meta.deliveryId);
    else if (!recording.isCommitted) return recording.onCommitted(() => ctx.ack(meta.deliveryId));
    // Otherwise it is in the store, which says what comes next.
  }
  const { store } = ctx;
  const input = {
    method: meta.method,
    path: meta.path,
    headers: meta.headers,
    body,
    deliveryId: meta.deliveryId,
    url: meta.url,
    receivedAt: meta.receivedAt,
    replayOf: null,
  };
  if (!store) {
    // Nothing to commit to: acknowledged on arrival, delivered once (retries need the store).
    ctx.ack(meta.deliveryId);
    const sent = sentNow(input, body, ctx.resignSecrets);
    void runExchange(sent, { forwarder: ctx.forwarder, store: null, secrets: ctx.secrets }).done.then(ctx.onExchange);
    return;
  }
  let cut: ExchangeSummary | undefined;
  try {
    const known = store.deliveryState(meta.deliveryId);
    if (known?.whole) {
      // Forwarded live when its tunnel dropped, and the relay queued it: not sent again, but a failed or interrupted
      // attempt (app down, listen killed) gets the retries a queued delivery gets, since its sender was told 202. Not
      // from a store that redacts: its copy is not the bytes to deliver.
      if (!store.redacts && adoptRetries(store, known.id, queued, ctx.maxAttempts)) ctx.worker?.wake();
      return ctx.ack(meta.deliveryId);
    }
    // A live delivery cut off mid-body left part of it: the whole redelivery replaces it, and the cut attempt becomes
    // attempt 1 of the new record's history.
    if (known) {
      cut = store.get(known.id);
      store.remove(known.id);
    }
  } catch (error) {
    ctx.onStoreError(error as Error);
  }
  // A store that redacts keeps no copy worth delivering: one attempt now, from memory, like a store that cannot write.
  const degraded = store.writes.backlog > 0 || store.redacts;
  const start = {
    ...input,
    ...destinationOf(ctx.forwarder, input.path),
    queued: { reason: queued.reason, senderStatus: queued.status, senderBody: Buffer.from(queued.body), lateByMs: queued.lateByMs ?? null },
    // While the store cannot take writes, retries cannot be kept: one attempt now, from memory.
    ...(degraded ? {} : { maxAttempts: ctx.maxAttempts, nextAttemptAt: Date.now() }),
  };
  let recording: Recording | undefined;
  try {
    recording = store.begin(start);
  } catch (error) {
    ctx.onStoreError(error as Error);
  }
  recording?.onCommitted(() => ctx.ack(meta.deliveryId));
  if (!degraded && recording && recording.id > 0) {
    if (cut) keepCutAttempt(store, recording.id, cut, ctx);
    return ctx.worker?.wake();
  }
  if (!degraded && recording) return; // the insert itself waits in memory; the worker delivers it once it is in
  const options = { forwarder: ctx.forwarder, store: recording ? store : null, recording, secrets: ctx.secrets, onStoreError: ctx.onStoreError };
  // Not awaited: the next queued delivery must not wait for the local app. Held in hand until its record is committed,
  // so a redelivery meanwhile (the tunnel dropping before our ACK) is recognised instead of reaching the app twice.
  const sent = sentNow(input, body, ctx.resignSecrets);
  const running = runExchange(sent, options);
  ctx.inHand.track(meta.deliveryId, { done: running.done, whole: () => true, recording });
  void running.done.then((exchange) => {
    ctx.onExchange(Object.assign(exchange, { lateByMs: queued.lateByMs, sender: { reason: queued.reason, status: queued.status } }));
    // Its sender was told 2xx: an attempt the app failed (down, 5xx) is retried like any queued delivery once the record
    // is in, instead of ending there. Queued behind the record's own writes, so it lands on the finished row.
    if (recording && !store.redacts && isRetryable(exchange)) {
      store.writes.run(recording, 0, () => {
        if (adoptRetries(store, recording.id, queued, ctx.maxAttempts)) setImmediate(() => ctx.worker?.wake());
      });
    }
  });
}

/** A delivery sent at once, from memory (no store, or one that cannot keep it): signed afresh as the worker's attempt would be. */
function sentNow(input: ExchangeInput, body: Buffer, resignSecrets: Secrets | undefined): ExchangeInput {
  const forwardHeaders = resignSecrets && resignIfStale({ headers: input.headers, body, url: input.url }, resignSecrets, input.receivedAt, Date.now(), input.path);
  return forwardHeaders ? { ...input, forwardHeaders } : input;
}

/**
 * A live exchange whose attempt failed in a way a retry may fix becomes a queued one with retries; true when one is due.
 * So does one left interrupted (the listen forwarding it was killed before the app answered): its sender was told 202,
 * and like a queued delivery cut off mid-attempt it is sent again (at least once), not acknowledged as done.
 */
function adoptRetries(store: Store, id: number, queued: QueuedMeta, maxAttempts: number): boolean {
  const exchange = store.get(id);
  if (!exchange || exchange.state === 'pending') return false;
  if (exchange.state !== 'interrupted' && !isRetryable(exchange)) return false;
  return store.deliveries.adopt(id, { reason: queued.reason, senderStatus: queued.status, senderBody: Buffer.from(queued.body) }, maxAttempts);
}

/** The attempt cut off by the tunnel drop stays in the history of the record that replaced it. */
function keepCutAttempt(store: Store, id: number, cut: ExchangeSummary, ctx: QueuedContext): void {
  try {
    const { receivedAt: startedAt, status, errorCode, errorMessage, durationMs } = cut;
    store.deliveries.recordFirst(id, { startedAt, trigger: 'auto', status, errorCode, errorMessage, durationMs });
  } catch (error) {
    ctx.onStoreError(error as Error);
  }
}
