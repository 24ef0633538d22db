// What the TUI needs from the world: header facts, a live feed of exchanges, and the store's history. Nothing else.

import type { Exchange, ExchangeSummary } from '../exchange.js';
import type { ListOptions } from '../store/store.js';
import type { ConnectionStatus } from '../tunnel/tunnel-client.js';

/** The facts the header shows. Network-derived strings in here are sanitised by the header, not by the model. */
export interface HeaderInfo {
  /** 'listen' runs a tunnel; 'inspect' browses recorded history without one. */
  mode: 'listen' | 'inspect';
  /** The public URL; null until the relay confirms the tunnel, and always null for inspect. */
  url: string | null;
  /** Where requests go: the local target for listen, the replay target (or "original target") for inspect. */
  target: string;
  dbPath: string;
  /** Relay connection state; null for inspect. */
  connection: ConnectionStatus | null;
  /** Exchanges finished since the UI started (replays included). */
  requests: number;
  /** Of those, the ones that failed or got a 5xx. */
  failures: number;
  /** Store writes that failed; forwarding went on regardless. */
  storeErrors: number;
  /** Automatic retries waiting in the store (acknowledge mode, queued deliveries). */
  pendingRetries?: number;
  /** Exchanges lost because the store was full or locked and the memory buffer overflowed. */
  dropped?: number;
  /** Something the user should know, e.g. that the embedded relay is local-only. */
  note?: string;
  /** The URL is the embedded relay's, which only this machine can reach. */
  localOnly?: boolean;
}

/** Callbacks a subscriber gets; both are optional. */
export interface ModelListener {
  info?(info: HeaderInfo): void;
  /** A new or updated exchange (a finished one, or a replay). */
  exchange?(exchange: ExchangeSummary): void;
}

/** The TUI's only view of a session or a database. `listen` and `inspect` implement it; tests use a fake. */
export interface TuiModel {
  info(): HeaderInfo;
  /** Subscribes to header changes and exchanges; returns the unsubscribe function. */
  subscribe(listener: ModelListener): () => void;
  /** Newest first, as `Store.list`: used for the first page and for paging back. */
  list(options: ListOptions): ExchangeSummary[];
  /** The whole exchange with bodies, for the detail pane and curl; undefined when it is gone. */
  get(id: number): Exchange | undefined;
  /** Replays the exchange to its target (or the --to target); the new exchange also arrives on the feed. */
  replay(id: number): Promise<ExchangeSummary | undefined>;
  /**
   * Another attempt of the same exchange, as `hooktunnel retry` makes (its answer is the row's now; the updated row
   * arrives on the feed). Rejects with a UserError, nothing sent, when it cannot be retried (stored redacted, being
   * delivered right now, gone meanwhile); undefined: no such id.
   */
  retry(id: number): Promise<ExchangeSummary | undefined>;
  /**
   * Opens the request body in $VISUAL/$EDITOR inside `suspend` (which hands the terminal to the editor), then
   * replays what was saved, re-signed when a secret is known. Rejects when the editor fails; undefined: no such id.
   */
  editAndReplay(id: number, suspend?: Suspend): Promise<EditedReplay | undefined>;
}

/**
 * Runs `run` (the editor) with the terminal handed over, the UI neither drawing nor reading a key, and takes the
 * terminal back once it settles. Everything else (forwarding, recording, the relay connection) goes on meanwhile.
 */
export type Suspend = <T>(run: () => Promise<T>) => Promise<T>;

/** What an edit-and-replay did. */
export interface EditedReplay {
  exchange: ExchangeSummary;
  /** False when the body was saved unchanged: the recorded bytes were sent. */
  edited: boolean;
  /** Whether a new signature was put on it, and why not; absent when no secrets are configured. */
  resign?: { resigned: boolean; reason?: string };
}

/** Exchanges that count as failures in the header: hooktunnel answered with an error, or the app said 5xx. */
export function isFailure(exchange: ExchangeSummary): boolean {
  return exchange.state === 'failed' || (exchange.status !== null && exchange.status >= 500);
}
