// A listen session: the tunnel client, the forwarder and the store wired together. The UI only listens to its events.

import { EventEmitter } from 'node:events';
import type { ExchangeSummary } from './exchange.js';
import { runExchange } from './exchange-runner.js';
import { Forwarder, type HostHeaderMode } from './forward/forwarder.js';
import type { Target } from './forward/target.js';
import type { WelcomeMeta } from './protocol.js';
import type { Store } from './store/store.js';
import { TunnelClient, type ConnectionStatus } from './tunnel/tunnel-client.js';
import type { TunnelRequest } from './tunnel/tunnel-request.js';
import type { Secrets } from './webhooks/secrets.js';

export interface SessionOptions {
  target: Target;
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
}

export interface SessionEvents {
  status: [ConnectionStatus];
  /** The relay confirmed the tunnel (again, after a reconnect). */
  ready: [WelcomeMeta];
  /** An exchange started (pending) or finished. */
  exchange: [ExchangeSummary];
  /** A write to the store failed; forwarding continued. */
  storeError: [Error];
  fatal: [Error];
}

export class Session extends EventEmitter<SessionEvents> {
  private readonly client: TunnelClient;
  private readonly forwarder: Forwarder;
  private closed = false;
  welcome: WelcomeMeta | undefined;

  constructor(readonly options: SessionOptions) {
    super();
    this.forwarder = new Forwarder(options.target, { timeoutMs: options.timeoutMs, hostHeader: options.hostHeader });
    this.client = new TunnelClient(options);
    this.client.on('status', (status) => this.emit('status', status));
    this.client.on('welcome', (welcome) => {
      this.welcome = welcome;
      this.emit('ready', welcome);
    });
    this.client.on('request', (request) => this.handle(request));
    this.client.on('fatal', (error) => this.emit('fatal', error));
  }

  /** Connects; resolves once the relay has confirmed the tunnel, rejects on a fatal refusal before that. */
  start(): Promise<WelcomeMeta> {
    return new Promise((resolve, reject) => {
      const onReady = (welcome: WelcomeMeta) => {
        this.off('fatal', onFatal);
        resolve(welcome);
      };
      const onFatal = (error: Error) => {
        this.off('ready', onReady);
        reject(error);
      };
      this.once('ready', onReady);
      this.once('fatal', onFatal);
      this.client.start();
    });
  }

  /** Disconnects and stops forwarding. The store belongs to the caller. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    this.forwarder.close();
  }

  private handle(request: TunnelRequest): void {
    const { meta } = request;
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
    request.onAbort = (code, message) => running.cancel(code, message);
    void running.done.then((summary) => this.emit('exchange', summary));
  }
}
