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
  /** Where the routes came from (configSource), for the header's `3 routes (…)`. */
  routesFrom?: string;
  timeoutMs: number;
  /** Shown in the header, e.g. that the embedded relay is reachable from this machine only. */
  note?: string;
  /** The embedded relay: the URL works from this machine only. */
  localOnly?: boolean;
  /**
   * The header note with the session's notice in place of the standing note (e.g. the embedded relay's), or, given
   * undefined, the standing note again; default: the notice alone, then `note`. Asked again when a notice fades,
   * because the news may have changed the standing note (this process now hosts the embedded relay).
   */
  noteWith?: (notice: string | undefined) => string | undefined;
  /** Calls `fade` in `ms`, returning a cancel; the model's clock, which tests drive. Default: an unref'd setTimeout. */
  after?: (ms: number, fade: () => void) => () => void;
}

/**
 * How long a notice holds the header note. Notices are news (took the relay over, could not), not states: the
 * connection and the store have their own places in the header, so the standing note must come back.
 */
export const NOTICE_SHOW_MS = 10_000;

function afterTimeout(ms: number, fade: () => void): () => void {
  // unref: a notice still showing must not keep a quitting listen alive.
  const timer = setTimeout(fade, ms).unref();
  return () => clearTimeout(timer);
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
  private cancelFade: (() => void) | undefined;

  constructor(options: SessionModelOptions) {
    const routes = options.session.options.routes;
    super({
      store: options.store,
      // With routes, each replay goes back through the route that took it (its own target), not to one target.
      replayTo: routes ? undefined : options.target,
      timeoutMs: options.timeoutMs,
      // Polled: this session's own exchanges arrive as its events at once, the rest (a retry in another terminal) within a second.
      follow: { watchFiles: false },
      // The session's own secrets: replays are re-signed and verified with the same ones as live deliveries.
      secrets: options.session.options.secrets,
      resignLate: options.session.options.resignLate,
      info: {
        mode: 'listen',
        url: options.session.welcome?.url ?? null,
        target: routes ? routesLabel(routes, options.routesFrom) : options.target.url,
        dbPath: options.store.path,
        connection: { state: 'connecting', attempt: 0 },
        note: options.note,
        localOnly: options.localOnly,
      },
    });
    this.session = options.session;
    const noteWith = options.noteWith ?? ((notice) => notice ?? options.note);
    const after = options.after ?? afterTimeout;
    this.onNotice = (notice) => {
      // A newer notice takes the place of one still showing, for the whole time.
      this.cancelFade?.();
      this.update({ note: noteWith(notice) });
      this.cancelFade = after(NOTICE_SHOW_MS, () => {
        this.cancelFade = undefined;
        this.update({ note: noteWith(undefined) });
      });
    };
    this.session.on('notice', this.onNotice);
    this.session.on('status', this.onStatus);
    this.session.on('ready', this.onReady);
    this.session.on('exchange', this.onExchange);
    this.session.on('storeError', this.onStoreError);
    this.session.on('dropped', this.onDropped);
  }

  /** Stops following the session. The session and the store belong to the caller. */
  override close(): void {
    this.session.off('status', this.onStatus);
    this.session.off('ready', this.onReady);
    this.session.off('exchange', this.onExchange);
    this.session.off('storeError', this.onStoreError);
    this.session.off('dropped', this.onDropped);
    this.session.off('notice', this.onNotice);
    this.cancelFade?.();
    super.close();
  }
}
