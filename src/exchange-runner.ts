// Runs one exchange end to end: record the request, forward it, stream the answer to a sink and into the store.
// Shared by the tunnel session (sink: the relay) and replay (no sink).

import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { ERROR_STATUS, type ErrorCode, type HeaderPairs, type ResponseMeta } from './protocol.js';
import type { ExchangeSummary, WebhookInfo } from './exchange.js';
import type { ForwardErrorCode, ForwardHandle, ForwardHandlers } from './forward/forwarder.js';
import { destinationOf, type ForwardPort } from './forward/forward-port.js';
import type { Store } from './store/store.js';
import type { Recording } from './store/recording.js';
import { analyzeWebhook } from './webhooks/analyze.js';
import { senderGoneMessage, type SenderGone } from './sender-gone.js';
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
  /** Sent to the app instead of `headers`, which are what is recorded and verified: a late delivery signed afresh. */
  forwardHeaders?: HeaderPairs;
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
  /**
   * With `recording`: the verdict recorded before this attempt. Kept when this run cannot check the signature (no
   * secret here: a `retry` in a shell without the variable), as `verify` keeps it, instead of erasing it.
   */
  recordedWebhook?: WebhookInfo | null;
}

export interface RunningExchange {
  /** Resolves when the exchange is over, whatever the outcome. */
  done: Promise<ExchangeSummary>;
  /** The relay gave up (timeout, sender gone): stop the forward and record why. */
  cancel(code: ErrorCode, message: string): void;
  /**
   * The sender hung up (sender_gone) while the app had the whole request: unlike cancel, the forward goes on to its end
   * (bounded by --timeout) so the app's late answer is recorded with exact bytes, the very answer a slow handler's
   * developer needs, and the exchange still says the sender never got it.
   */
  senderLeft(code: ErrorCode, message: string): void;
  /** Where it is recorded; undefined without a store (or when the store refused the row). */
  recording: Recording | undefined;
}

/**
 * Runs one exchange. One object per exchange, which is also the forward's handler: under load, per-exchange closures
 * and handler objects were a measurable share of the CLI's allocations and GC (see BENCHMARKS.md).
 */
export function runExchange(input: ExchangeInput, options: RunOptions): RunningExchange {
  return new ExchangeRun(input, options);
}

class ExchangeRun implements RunningExchange, ForwardHandlers {
  readonly done: Promise<ExchangeSummary>;
  readonly recording: Recording | undefined;
  private readonly summary: ExchangeSummary;
  private readonly started = performance.now();
  private resolveDone!: (summary: ExchangeSummary) => void;
  private handle: ForwardHandle | undefined;
  private cancelled = false;
  /** Set by senderLeft: the outcome the exchange records whatever the app then does. */
  private senderGone: SenderGone | undefined;
  private finished = false;
  private requestBodyEnded: boolean;

  constructor(
    private readonly input: ExchangeInput,
    private readonly options: RunOptions,
  ) {
    // With routes, the target (and the route) depend on the path.
    const destination = destinationOf(options.forwarder, input.path);
    const whole = Buffer.isBuffer(input.body);
    let recording = options.recording;
    if (options.store && !recording) {
      try {
        recording = options.store.begin({ ...input, target: destination.target, route: destination.route, body: whole ? (input.body as Buffer) : undefined });
      } catch (error) {
        options.onStoreError?.(error as Error);
      }
    }
    this.recording = recording;
    this.requestBodyEnded = whole;
    this.summary = {
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
      requestSize: whole ? (input.body as Buffer).length : 0,
      status: null,
      responseSize: null,
      durationMs: null,
      state: 'pending',
      errorCode: null,
      errorMessage: null,
    };
    this.done = new Promise<ExchangeSummary>((resolve) => (this.resolveDone = resolve));
    // Store before forward: the request goes to the local app once its row is written (or, the store failing, held).
    if (recording) recording.whenStored(() => this.forward());
    else this.forward();
  }

  /** The relay gave up (timeout, sender gone): stop the forward and record why. */
  cancel(code: ErrorCode, message: string): void {
    this.cancelled = true;
    this.handle?.abort();
    this.finish({ code, message });
  }

  senderLeft(code: ErrorCode, message: string): void {
    if (this.finished || this.senderGone) return;
    const afterMs = elapsedSince(this.started);
    this.senderGone = { code, message, afterMs, answerBegun: this.summary.status !== null };
    this.summary.senderGoneAfterMs = afterMs;
    this.record((r) => r.senderGone(afterMs));
    // Paused on the sender's backpressure (a sender that took nothing): nobody reads for it any more.
    this.handle?.resume();
  }

  // onResponse and onData write to the store inline rather than through record(): no closure per response chunk.
  onResponse(status: number, headers: HeaderPairs): void {
    this.summary.status = status;
    this.summary.responseSize = 0;
    this.options.sink?.respond({ status, headers });
    const recording = this.recording;
    if (!recording) return;
    try {
      recording.respond(status, headers);
    } catch (error) {
      this.options.onStoreError?.(error as Error);
    }
  }

  onData(chunk: Buffer, last: boolean): void {
    this.summary.responseSize! += chunk.length;
    const { recording, options } = this;
    if (recording) {
      try {
        recording.appendResponseBody(chunk);
      } catch (error) {
        options.onStoreError?.(error as Error);
      }
    }
    if (options.sink && !options.sink.write(chunk, last, this.resumeForward)) this.handle?.pause();
  }

  onEnd(): void {
    this.options.sink?.end();
    this.finish();
  }

  onError(code: ForwardErrorCode, message: string): void {
    // Keep reading the request body so the store gets all of it, then tell the sender.
    afterRequestBody(this.input.body, () => {
      this.options.sink?.abort(code, message);
      this.finish({ code, message });
    });
  }

  private readonly resumeForward = () => this.handle?.resume();

  private forward(): void {
    if (this.cancelled) return;
    if (!Buffer.isBuffer(this.input.body)) this.watchBody(this.input.body);
    const { input } = this;
    this.handle = this.options.forwarder.forward(input.forwardHeaders ? { ...input, headers: input.forwardHeaders } : input, this);
  }

  /** Runs a store write; a failing store is reported and forwarding goes on. */
  private record(write: (recording: Recording) => void): void {
    if (!this.recording) return;
    try {
      write(this.recording);
    } catch (error) {
      this.options.onStoreError?.(error as Error);
    }
  }

  // Attached together with the forward: a flowing body must not pass before the local request is there to take it.
  private watchBody(body: Readable): void {
    body.on('data', (chunk: Buffer) => {
      this.summary.requestSize += chunk.length;
      this.record((r) => r.appendRequestBody(chunk));
    });
    body.on('end', () => {
      this.requestBodyEnded = true;
      this.record((r) => r.endRequestBody());
    });
    // Cut off mid-body (the tunnel dropped): what arrived is kept, marked as not whole, so a redelivery replaces it.
    body.on('error', () => this.record((r) => r.abandonRequestBody()));
  }

  private finish(error?: { code: ErrorCode; message: string }): void {
    if (this.finished) return;
    this.finished = true;
    const { summary, recording, input, options } = this;
    const durationMs = elapsedSince(this.started);
    summary.durationMs = durationMs;
    summary.id = recording?.id ?? 0;
    if (!this.requestBodyEnded) {
      // Over before the whole request passed (the tunnel dropped mid-body): the record must never pass for whole, or a
      // redelivery of the same delivery id would be taken as already delivered. Marked now, before fail() closes it.
      this.record((r) => r.abandonRequestBody());
      if (error) {
        summary.requestIncomplete = true;
        error = { ...error, message: `${error.message} after ${summary.requestSize} bytes of the request body; the local app did not get it whole` };
      }
    }
    // The sender left before the answer: that is the exchange's outcome, whatever the app then did (which the message says).
    if (this.senderGone) error = { code: this.senderGone.code, message: senderGoneMessage(this.senderGone, summary.status, durationMs, error) };
    const redacted = recording?.redacted ?? input.redacted;
    if (redacted) summary.redacted = redacted;
    if (input.forwardHeaders) summary.resigned = true;
    // Examined before the answer is written, so both land in one commit: a reader of the store (`hooktunnel wait`)
    // never sees a finished exchange whose analysis is still to come. The request body is closed by now (ended or abandoned).
    if (options.secrets) summary.webhook = this.examine(options.secrets);
    if (error) {
      summary.status ??= ERROR_STATUS[error.code];
      summary.state = 'failed';
      summary.errorCode = error.code;
      summary.errorMessage = error.message;
      const { code, message } = error;
      this.record((r) => r.fail(ERROR_STATUS[code], code, message, durationMs));
    } else {
      summary.state = 'complete';
      this.record((r) => r.complete(durationMs));
    }
    // Announced once its rows are committed, so whoever hears of it can read it back.
    if (recording) recording.whenStored(() => this.resolveDone(summary));
    else this.resolveDone(summary);
  }

  // After forwarding, never before: a signature check must not delay the local app.
  private examine(secrets: Secrets): WebhookInfo | null {
    const { recording, input, options } = this;
    try {
      const stored = recording !== undefined && recording.id > 0;
      const whole = Buffer.isBuffer(input.body);
      let analysis = analyzeWebhook({ headers: input.headers, body: whole ? (input.body as Buffer) : EMPTY, url: input.url }, secrets, input.receivedAt, input.path);
      // A streamed (large) body is read back from the store only when its headers say it is a webhook worth checking.
      if (!whole && analysis.provider !== null) {
        // The bytes as they arrived: the stored ones may be redacted.
        const body = recording?.unredactedBody ?? (stored && options.store?.get(recording!.id)?.requestBody);
        if (!body) return null;
        analysis = analyzeWebhook({ headers: input.headers, body, url: input.url }, secrets, input.receivedAt, input.path);
      }
      // The same bytes were checked before: not checking them now says nothing new about them.
      const earlier = options.recordedWebhook;
      if (analysis.verification === 'unchecked' && earlier && earlier.verification !== 'unchecked') {
        analysis = { ...analysis, verification: earlier.verification, reason: earlier.reason };
      }
      if (stored && options.store) return options.store.recordAnalysis(recording!.id, analysis, { url: input.url, isReplay: input.replayOf !== null, into: recording });
      return { ...analysis, duplicateOf: null, outOfOrder: false };
    } catch (error) {
      options.onStoreError?.(error as Error);
      return null;
    }
  }
}

const EMPTY = Buffer.alloc(0);

const elapsedSince = (started: number) => Math.round((performance.now() - started) * 100) / 100;

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
