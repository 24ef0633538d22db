// The TUI model for `listen`: the store's history plus the live session's connection state and exchanges.

import type { ExchangeSummary } from '../exchange.js';
import type { Target } from '../forward/target.js';
import type { WelcomeMeta } from '../protocol.js';
import type { Session } from '../session.js';
import type { Store } from '../store/store.js';
import type { ConnectionStatus } from '../tunnel/tunnel-client.js';
import { StoreModel } from './store-model.js';
import { routesLabel } from '../routes/route-view.js';

export interface SessionModelOptions {
  session: Session;
  store: Store;
  target: Target;
  timeoutMs: number;
  /** Shown in the header, e.g. that the embedded relay is reachable from this machine only. */
  note?: string;
  /** The header note after the session's notice (e.g. now hosting the embedded relay); default: the notice alone. */
  noteWith?: (notice: string) => string | undefined;
}

/** Follows a Session's events; replays go to the listen target, like the tunnel's requests, with the session's secrets. */
export class SessionModel extends StoreModel {
  private readonly session: Session;
  private readonly onStatus = (status: ConnectionStatus) => this.update({ connection: status });
  private readonly onReady = (welcome: WelcomeMeta) => this.update({ url: welcome.url });
  private readonly onStoreError = () => this.countStoreError();
  private readonly onExchange = (exchange: ExchangeSummary) => {
    // id 0: the store could not record it, so there is nothing to show in detail; the header counts the store error.
    if (exchange.id > 0) this.announce(exchange);
    this.update({ pendingRetries: this.session.pendingAttempts() });
  };
  private readonly onDropped = (dropped: number) => this.update({ dropped });
  private readonly onNotice: (notice: string) => void;

  constructor(options: SessionModelOptions) {
    const routes = options.session.options.routes;
    super({
      store: options.store,
      // With routes, each replay goes back through the route that took it (its own target), not to one target.
      replayTo: routes ? undefined : options.target,
      timeoutMs: options.timeoutMs,
      // The session's own secrets: replays are re-signed and verified with the same ones as live deliveries.
      secrets: options.session.options.secrets,
      info: {
        mode: 'listen',
        url: options.session.welcome?.url ?? null,
        target: routes ? routesLabel(routes) : options.target.url,
        dbPath: options.store.path,
        connection: { state: 'connecting', attempt: 0 },
        note: options.note,
      },
    });
    this.session = options.session;
    this.onNotice = (notice) => this.update({ note: options.noteWith ? options.noteWith(notice) : notice });
    this.session.on('notice', this.onNotice);
    this.session.on('status', this.onStatus);
    this.session.on('ready', this.onReady);
    this.session.on('exchange', this.onExchange);
    this.session.on('storeError', this.onStoreError);
    this.session.on('dropped', this.onDropped);
  }

  /** Stops following the session. The session and the store belong to the caller. */
  close(): void {
    this.session.off('status', this.onStatus);
    this.session.off('ready', this.onReady);
    this.session.off('exchange', this.onExchange);
    this.session.off('storeError', this.onStoreError);
    this.session.off('dropped', this.onDropped);
    this.session.off('notice', this.onNotice);
  }
}
