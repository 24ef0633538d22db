// Runs one exchange end to end: record the request, forward it, stream the answer to a sink and into the store.
// Shared by the tunnel session (sink: the relay) and replay (no sink).

import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { ERROR_STATUS, type ErrorCode, type HeaderPairs, type ResponseMeta } from './protocol.js';
import type { ExchangeSummary, WebhookInfo } from './exchange.js';
import type { ForwardHandle } from './forward/forwarder.js';
import { destinationOf, type ForwardPort } from './forward/forward-port.js';
import type { Store } from './store/store.js';
import type { Recording } from './store/recording.js';
import { analyzeWebhook } from './webhooks/analyze.js';
import type { Secrets } from './webhooks/secrets.js';

/** Where the local app's answer goes besides the store (the tunnel's sender). */
export interface ResponseSink {
  respond(meta: ResponseMeta): void;
  write(chunk: Buffer, end: boolean, onFlushed?: () => void): boolean;
  end(): void;
  abort(code: ErrorCode, message: string): void;
}

export interface ExchangeInput {
  method: string;
  path: string;
  headers: HeaderPairs;
  body: Buffer | Readable;
  deliveryId: string | null;
  url: string | null;
  receivedAt: number;
  replayOf: number | null;
  /** Redaction rules these headers and body already went through (a replay of a redacted exchange). */
  redacted?: string[];
}

export interface RunOptions {
  forwarder: ForwardPort;
  store: Store | null;
  sink?: ResponseSink;
  /** A store write failed; forwarding goes on regardless. */
  onStoreError?: (error: Error) => void;
  /** Identify the provider and check signatures with these secrets once the exchange is over. */
  secrets?: Secrets;
  /** Record into this recording (a new attempt of a stored exchange) instead of beginning a new one. */
  recording?: Recording;
}

export interface RunningExchange {
  /** Resolves when the exchange is over, whatever the outcome. */
  done: Promise<ExchangeSummary>;
  /** The relay gave up (timeout, sender gone): stop the forward and record why. */
  cancel(code: ErrorCode, message: string): void;
  /** Where it is recorded; undefined without a store (or when the store refused the row). */
  recording: Recording | undefined;
}

export function runExchange(input: ExchangeInput, options: RunOptions): RunningExchange {
  const { forwarder, sink } = options;
  // With routes, the target (and the route) depend on the path.
  const destination = destinationOf(forwarder, input.path);
  const started = performance.now();
  const guard = (write: () => void) => {
    if (!recording) return;
    try {
      write();
    } catch (error) {
      options.onStoreError?.(error as Error);
    }
  };

  let recording: Recording | undefined = options.recording;
  if (options.store && !recording) {
    try {
      recording = options.store.begin({
        ...input,
        target: destination.target,
        route: destination.route,
        body: Buffer.isBuffer(input.body) ? input.body : undefined,
      });
    } catch (error) {
      options.onStoreError?.(error as Error);
    }
  }
  const summary: ExchangeSummary = {
    // Known once the turn's batch commits; reading recording.id now would commit it early.
    id: 0,
    replayOf: input.replayOf,
    deliveryId: input.deliveryId,
    url: input.url,
    target: destination.target,
    route: destination.route,
    receivedAt: input.receivedAt,
    method: input.method,
    path: input.path,
    requestSize: Buffer.isBuffer(input.body) ? input.body.length : 0,
    status: null,
    responseSize: null,
    durationMs: null,
    state: 'pending',
    errorCode: null,
    errorMessage: null,
  };

  let resolve!: (summary: ExchangeSummary) => void;
  const done = new Promise<ExchangeSummary>((r) => (resolve = r));
  let finished = false;
  const finish = (error?: { code: ErrorCode; message: string }) => {
    if (finished) return;
    finished = true;
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    summary.durationMs = durationMs;
    summary.id = recording?.id ?? 0;
    if (!requestBodyEnded) {
      // Over before the whole request passed (the tunnel dropped mid-body): the record must never pass for whole, or a
      // redelivery of the same delivery id would be taken as already delivered. Marked now, before fail() closes it.
      guard(() => recording!.abandonRequestBody());
      if (error) {
        summary.requestIncomplete = true;
        error = { ...error, message: `${error.message} after ${summary.requestSize} bytes of the request body; the local app did not get it whole` };
      }
    }
    const redacted = recording?.redacted ?? input.redacted;
    if (redacted) summary.redacted = redacted;
    // Examined before the answer is written, so both land in one commit: a reader of the store (`hooktunnel wait`)
    // never sees a finished exchange whose analysis is still to come. The request body is closed by now (ended or abandoned).
    if (options.secrets) summary.webhook = examine(options.secrets);
    if (error) {
      summary.status ??= ERROR_STATUS[error.code];
      Object.assign(summary, { state: 'failed', errorCode: error.code, errorMessage: error.message });
      guard(() => recording!.fail(ERROR_STATUS[error.code], error.code, error.message, durationMs));
    } else {
      summary.state = 'complete';
      guard(() => recording!.complete(durationMs));
    }
    // Announced once its rows are committed, so whoever hears of it can read it back.
    if (recording) recording.whenStored(() => resolve(summary));
    else resolve(summary);
  };

  // After forwarding, never before: a signature check must not delay the local app.
  const examine = (secrets: Secrets): WebhookInfo | null => {
    try {
      const stored = recording && recording.id > 0;
      let analysis = analyzeWebhook({ headers: input.headers, body: Buffer.isBuffer(input.body) ? input.body : EMPTY, url: input.url }, secrets, input.receivedAt);
      // A streamed (large) body is read back from the store only when its headers say it is a webhook worth checking.
      if (!Buffer.isBuffer(input.body) && analysis.provider !== null) {
        // The bytes as they arrived: the stored ones may be redacted.
        const body = recording?.unredactedBody ?? (stored && options.store?.get(recording!.id)?.requestBody);
        if (!body) return null;
        analysis = analyzeWebhook({ headers: input.headers, body, url: input.url }, secrets, input.receivedAt);
      }
      if (stored && options.store) return options.store.recordAnalysis(recording!.id, analysis, { isReplay: input.replayOf !== null, into: recording });
      return { ...analysis, duplicateOf: null, outOfOrder: false };
    } catch (error) {
      options.onStoreError?.(error as Error);
      return null;
    }
  };

  // Store before forward: the request goes to the local app once its row is written (or, the store failing, held).
  let handle: ForwardHandle | undefined;
  let cancelled: { code: ErrorCode; message: string } | undefined;
  let requestBodyEnded = Buffer.isBuffer(input.body);
  // Attached together with the forward: a flowing body must not pass before the local request is there to take it.
  const watchBody = (body: Readable) => {
    body.on('data', (chunk: Buffer) => {
      summary.requestSize += chunk.length;
      guard(() => recording!.appendRequestBody(chunk));
    });
    body.on('end', () => {
      requestBodyEnded = true;
      guard(() => recording!.endRequestBody());
    });
    // Cut off mid-body (the tunnel dropped): what arrived is kept, marked as not whole, so a redelivery replaces it.
    body.on('error', () => guard(() => recording!.abandonRequestBody()));
  };

  const forward = () => {
    if (cancelled) return;
    if (!Buffer.isBuffer(input.body)) watchBody(input.body);
    handle = startForward();
  };
  const startForward = (): ForwardHandle => forwarder.forward(input, {
    onResponse(status, headers) {
      summary.status = status;
      summary.responseSize = 0;
      sink?.respond({ status, headers });
      guard(() => recording!.respond(status, headers));
    },
    onData(chunk, last) {
      summary.responseSize! += chunk.length;
      guard(() => recording!.appendResponseBody(chunk));
      if (sink && !sink.write(chunk, last, () => handle?.resume())) handle?.pause();
    },
    onEnd() {
      sink?.end();
      finish();
    },
    onError(code, message) {
      // Keep reading the request body so the store gets all of it, then tell the sender.
      afterRequestBody(input.body, () => {
        sink?.abort(code, message);
        finish({ code, message });
      });
    },
  });

  if (recording) recording.whenStored(forward);
  else forward();

  return {
    done,
    recording,
    cancel(code, message) {
      cancelled = { code, message };
      handle?.abort();
      finish({ code, message });
    },
  };
}

const EMPTY = Buffer.alloc(0);

/** Runs `then` once the request body has been read to the end (drained if nobody else reads it). */
function afterRequestBody(body: Buffer | Readable, then: () => void): void {
  if (Buffer.isBuffer(body) || body.readableEnded || body.destroyed) return then();
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    then();
  };
  body.once('end', once);
  body.once('close', once);
  body.unpipe();
  body.resume();
}
