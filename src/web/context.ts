// What the inspector's routes share: the store, where replays go, and the live feed.

import type { ExchangeSummary } from '../exchange.js';
import type { Target } from '../forward/target.js';
import type { Store } from '../store/store.js';
import type { Secrets } from '../webhooks/secrets.js';

/** The facts the page's header shows; strings here may come from the network and are shown as text only. */
export interface InspectorInfo {
  /** listen: a tunnel runs in this process; web: the store alone. */
  mode: 'listen' | 'web';
  /** The public URL of the tunnel, once the relay confirmed it. */
  publicUrl: string | null;
  /** Where replays go: the listen target, --to, or each exchange's original target. */
  target: string;
  dbPath: string;
  /** online, connecting, reconnecting, offline; null without a tunnel. */
  connection: string | null;
  /** How to start recording (`hooktunnel listen <port>`, or `hooktunnel listen` with hooktunnel.yml routes): cli/listen-hint.ts. */
  listen?: string;
}

export interface InspectorOptions {
  store: Store;
  /** Replays and retries go here; undefined: each exchange's original target. */
  replayTo?: Target;
  /** How long a replay waits for the local app (0: forever). */
  timeoutMs: number;
  secrets?: Secrets;
  /** Retries re-sign a signature aged past its provider's window (default true; listen --no-resign-late). */
  resignLate?: boolean;
  info: InspectorInfo;
  /** 127.0.0.1 port to try first. */
  port: number;
  /** Take the next free port when `port` is taken (the default port); false: fail (a port the user asked for). */
  fallback: boolean;
}

export interface RouteDeps extends InspectorOptions {
  /** Publishes an exchange to every open page. */
  announce(exchange: ExchangeSummary): void;
  info: InspectorInfo;
}
