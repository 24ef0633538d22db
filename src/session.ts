// A listen session: the tunnel client, the forwarder and the store wired together. The UI only listens to its events.

import { EventEmitter } from 'node:events';
import type { ExchangeSummary } from './exchange.js';
import { runExchange } from './exchange-runner.js';
import { Forwarder, type HostHeaderMode } from './forward/forwarder.js';
import type { ForwardPort } from './forward/forward-port.js';
import { RoutedForwarder } from './routes/routed-forwarder.js';
import type { Route } from './routes/route-table.js';
import type { Target } from './forward/target.js';
import { DeliveryWorker } from './delivery/delivery-worker.js';
import { DeliveriesInHand } from './delivery/in-hand.js';
import { acceptQueued } from './delivery/queued-delivery.js';
import { DEFAULT_MAX_ATTEMPTS, RETRY_BASE_MS, retryDelay } from './delivery/retry-schedule.js';
import type { AckSettings, WelcomeMeta } from './protocol.js';
import type { Store } from './store/store.js';
import { TunnelClient, type ConnectionStatus } from './tunnel/tunnel-client.js';
import type { RelayFailure } from './tunnel/relay-failure.js';
import type { TunnelRequest } from './tunnel/tunnel-request.js';
import type { Secrets } from './webhooks/secrets.js';

export interface SessionOptions {
  target: Target;
  /** hooktunnel.yml routes: each request goes where its path's route says (then `target` is only for display). */
  routes?: Route[];
  relayUrl: string;
  token?: string;
  name?: string;
  force?: boolean;
  timeoutMs: number;
  hostHeader: HostHeaderMode;
  retry: boolean;
  resumeToken?: string;
  /** null: forward without recording (--no-store). */
  store: Store | null;
  /** Secrets for signature checks; every exchange is examined (provider, event, signature) once it is over. */
  secrets?: Secrets;
  /** Re-sign queued requests and retries whose signature has aged past its provider's window (default true). */
  resignLate?: boolean;
  /** Acknowledge mode (listen --ack): the relay answers senders and queues their requests for us. */
  ack?: AckSettings;
  /** Attempts at a queued request before giving up (default 8). */
  maxAttempts?: number;
  /** First retry delay; doubles each time (default 1 s). */
  retryBaseMs?: number;
  /**
   * Runs before each reconnect attempt (see TunnelClientOptions.beforeReconnect); a message it resolves with is
   * emitted as a `notice` (listen: "now hosting the embedded relay").
   */
  beforeReconnect?: () => Promise<string | undefined>;
}

export interface SessionEvents {
  status: [ConnectionStatus];
  /** The relay confirmed the tunnel (again, after a reconnect). */
  ready: [WelcomeMeta];
  /** An exchange started (pending) or finished. */
  exchange: [ExchangeSummary];
  /** A write to the store failed; forwarding continued. */
  storeError: [Error];
  /** The store could not take writes and the memory buffer overflowed: exchanges lost so far in this session. */
  dropped: [number];
  /** The store stopped taking writes (exchanges wait in memory), or took them all again. */
  storage: [StorageState];
  /** Something the user should know that is not a connection state, e.g. this process now hosts the embedded relay. */
  notice: [string];
  /** The tunnel client gave up: its code says why (README, "Errors with --json"). */
  fatal: [RelayFailure];
}

export type StorageState = { state: 'buffering'; error: Error } | { state: 'recovered' };

export class Session extends EventEmitter<SessionEvents> {
  private readonly client: TunnelClient;
  private readonly forwarder: ForwardPort;
  /** Delivers queued requests and retries, from the store; absent with --no-store. */
  private readonly worker: DeliveryWorker | undefined;
  /** Queued deliveries are taken one after the other, so they are recorded in the order the relay received them. */
  private intake: Promise<void> = Promise.resolve();
  /** Relay deliveries taken but not yet safe in the store: a redelivery of one is recognised, not forwarded twice. */
  private readonly inHand = new DeliveriesInHand();
  /** What late deliveries are signed afresh with: none when the user keeps the senders' signatures. */
  private readonly resignSecrets: Secrets | undefined;
  private readonly onDropped = (count: number) => {
    this.inHand.forgetDropped();
    this.emit('dropped', count);
  };
  private readonly onBuffering = (error: Error) => this.emit('storage', { state: 'buffering', error });
  private readonly onRecovered = () => this.emit('storage', { state: 'recovered' });
  private readonly onStoreFailed = (error: Error) => this.emit('storeError', error);
  private closed = false;
  /** drain() began: requests arriving from now on are not given to the app but handed back to the relay. */
  private stopping = false;
  /** Live exchanges under way: drain() lets them finish. */
  private readonly live = new Set<Promise<ExchangeSummary>>();
  welcome: WelcomeMeta | undefined;

  constructor(readonly options: SessionOptions) {
    super();
    this.resignSecrets = options.resignLate === false ? undefined : options.secrets;
    const routed = options.routes ? new RoutedForwarder(options.routes, options.target) : undefined;
    this.forwarder = routed ?? new Forwarder(options.target, { timeoutMs: options.timeoutMs, hostHeader: options.hostHeader });
    const prepare = options.beforeReconnect;
    this.client = new TunnelClient({
      ...options,
      beforeReconnect:
        prepare &&
        (async () => {
          const notice = await prepare();
          if (notice && !this.closed) this.emit('notice', notice);
        }),
    });
    this.client.on('status', (status) => this.emit('status', status));
    this.client.on('welcome', (welcome) => {
      this.welcome = welcome;
      this.emit('ready', welcome);
    });
    this.client.on('request', (request) => this.handle(request));
    this.client.on('fatal', (error) => this.emit('fatal', error));
    const store = options.store;
    if (store) {
      const baseMs = options.retryBaseMs ?? RETRY_BASE_MS;
      this.worker = new DeliveryWorker(
        {
          store,
          forwarder: this.forwarder,
          schedule: (failed) => retryDelay(failed, baseMs),
          timeoutMs: options.timeoutMs,
          secrets: options.secrets,
          resignSecrets: this.resignSecrets,
          onStoreError: (error) => this.emit('storeError', error),
        },
        routed ? routed.targets() : options.target.url,
      );
      this.worker.on('exchange', (exchange) => this.emit('exchange', exchange));
      this.worker.on('storeError', (error) => this.emit('storeError', error));
      store.writes.on('dropped', this.onDropped);
      store.writes.on('buffering', this.onBuffering);
      store.writes.on('recovered', this.onRecovered);
      store.writes.on('failed', this.onStoreFailed);
    }
  }

  /** Automatic attempts waiting in the store for this target (retries of an earlier run included). */
  pendingAttempts(): number {
    try {
      return this.worker?.pending() ?? 0;
    } catch {
      return 0;
    }
  }

  /** Connects; resolves once the relay has confirmed the tunnel, rejects on a fatal refusal before that. */
  start(): Promise<WelcomeMeta> {
    return new Promise((resolve, reject) => {
      const onReady = (welcome: WelcomeMeta) => {
        this.off('fatal', onFatal);
        resolve(welcome);
      };
      const onFatal = (error: RelayFailure) => {
        this.off('ready', onReady);
        reject(error);
      };
      this.once('ready', onReady);
      this.once('fatal', onFatal);
      // Retries left by an earlier run go out even before the relay answers: they need only the local app.
      this.worker?.start();
      this.client.start();
    });
  }

  /** Requests under way: live exchanges not yet answered and recorded, and the worker's attempt, if it makes one. */
  get inFlight(): number {
    return this.live.size + (this.worker?.busy ? 1 : 0);
  }

  /**
   * The graceful end (listen's first SIGTERM or SIGINT): no reconnects from here, and every live exchange the app
   * already has is answered and recorded, as are the queued deliveries already taken and the attempt the worker is
   * making; then the connection ends after their last frames. Without it, close() cuts them: the app has the request,
   * the sender gets the relay's 202 and the next listen sends it again. Requests arriving meanwhile go back to the relay
   * (see handle), so under steady traffic the stop still ends, within --timeout. close() still follows, for the rest.
   */
  async drain(): Promise<void> {
    this.stopping = true;
    this.client.stopReconnecting();
    await Promise.all(this.live);
    await this.intake;
    // A queued delivery or retry being sent now is let finish; the rest stay due in the store, for the next listen.
    await this.worker?.finish();
    await this.client.end();
  }

  /** Disconnects and stops forwarding. The store belongs to the caller. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker?.close();
    this.options.store?.writes.off('dropped', this.onDropped);
    this.options.store?.writes.off('buffering', this.onBuffering);
    this.options.store?.writes.off('recovered', this.onRecovered);
    this.options.store?.writes.off('failed', this.onStoreFailed);
    this.client.close();
    this.forwarder.close();
  }

  private handle(request: TunnelRequest): void {
    const { meta } = request;
    if (this.stopping) return handBack(request);
    if (meta.queued) {
      const context = {
        store: this.options.store,
        worker: this.worker,
        forwarder: this.forwarder,
        maxAttempts: this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        secrets: this.options.secrets,
        resignSecrets: this.resignSecrets,
        inHand: this.inHand,
        ack: (deliveryId: string) => this.client.ack(deliveryId),
        onStoreError: (error: Error) => this.emit('storeError', error),
        onExchange: (exchange: ExchangeSummary) => this.emit('exchange', exchange),
      };
      this.intake = this.intake
        .then(() => acceptQueued(meta, request.body, context))
        .catch((error: Error) => void this.emit('storeError', error))
        .finally(() => request.release());
      return;
    }
    const running = runExchange(
      {
        method: meta.method,
        path: meta.path,
        headers: meta.headers,
        body: request.body,
        deliveryId: meta.deliveryId,
        url: meta.url,
        receivedAt: meta.receivedAt,
        replayOf: null,
      },
      {
        forwarder: this.forwarder,
        store: this.options.store,
        sink: request,
        secrets: this.options.secrets,
        onStoreError: (error) => this.emit('storeError', error),
      },
    );
    request.onAbort = (code, message) => {
      // The relay is gone but the whole request is here: the app still gets it, once, and its answer is recorded. If the
      // relay queued the request (its sender told 202), the redelivery is recognised by its delivery id.
      if (code === 'tunnel_disconnected' && request.bodyComplete && !this.closed) return;
      // The sender hung up (GitHub at 10 s) on an app that has the whole request: the forward goes on, bounded by
      // --timeout, and the app's late answer is recorded, marked sender_gone. Cut mid-body, the app never gets it whole.
      if (code === 'sender_gone' && request.bodyComplete && !this.closed) return running.senderLeft(code, message);
      running.cancel(code, message);
    };
    this.inHand.track(meta.deliveryId, { done: running.done, whole: () => request.bodyComplete, recording: running.recording });
    this.live.add(running.done);
    void running.done.then((summary) => {
      this.live.delete(running.done);
      this.emit('exchange', summary);
    });
  }
}

/**
 * A request that arrived after listen began to stop: the app is not given it. A live one is aborted with
 * tunnel_disconnected, which a relay with a queue takes as "not delivered" (202 to its sender, delivery to the next
 * listen; an older relay answers 502, which senders retry); a queued one is not ACKed, so the relay keeps it.
 */
function handBack(request: TunnelRequest): void {
  if (request.meta.queued) request.release();
  else request.abort('tunnel_disconnected', 'listen is stopping: the local app was not given this request');
}
