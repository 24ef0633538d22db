// A request the relay already answered (client away, or acknowledge mode): record it whole, ACK it once committed, and
// let the worker deliver it. A redelivery of something already stored is acknowledged again and not sent twice.

import { Readable } from 'node:stream';
import type { ExchangeSummary } from '../exchange.js';
import { runExchange } from '../exchange-runner.js';
import { destinationOf, type ForwardPort } from '../forward/forward-port.js';
import type { RequestMeta } from '../protocol.js';
import type { Store } from '../store/store.js';
import type { Secrets } from '../webhooks/secrets.js';
import type { DeliveryWorker } from './delivery-worker.js';

export interface QueuedContext {
  store: Store | null;
  worker: DeliveryWorker | undefined;
  forwarder: ForwardPort;
  maxAttempts: number;
  secrets?: Secrets;
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
    void runExchange(input, { forwarder: ctx.forwarder, store: null, secrets: ctx.secrets }).done.then(ctx.onExchange);
    return;
  }
  try {
    const known = store.deliveryState(meta.deliveryId);
    if (known?.whole) return ctx.ack(meta.deliveryId);
    // A live delivery cut off mid-body left part of it: the whole redelivery replaces it.
    if (known) store.remove(known.id);
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
  let recording;
  try {
    recording = store.begin(start);
  } catch (error) {
    ctx.onStoreError(error as Error);
  }
  recording?.onCommitted(() => ctx.ack(meta.deliveryId));
  if (!degraded && recording && recording.id > 0) return ctx.worker?.wake();
  if (!degraded && recording) return; // the insert itself waits in memory; the worker delivers it once it is in
  const options = { forwarder: ctx.forwarder, store: recording ? store : null, recording, secrets: ctx.secrets, onStoreError: ctx.onStoreError };
  // Not awaited: the next queued delivery must not wait for the local app.
  void runExchange(input, options).done.then((exchange) =>
    ctx.onExchange(Object.assign(exchange, { lateByMs: queued.lateByMs, sender: { reason: queued.reason, status: queued.status } })),
  );
}
