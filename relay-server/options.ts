// Relay options and their defaults. Each default is named with its source (see shared/DEFAULTS.md).

import {
  HANDSHAKE_TIMEOUT_MS,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  MAX_FRAME_BYTES,
} from '../src/protocol.js';
import type { RelayAuthStore } from './auth.js';
import type { ClusterOptions } from './cluster/cluster-options.js';
import type { DeliveryQueue, QueueSettings } from './delivery-queue.js';
import type { ResumeStore } from './resume-store.js';

export interface RelayLimits {
  /** Largest public request body, counted while it streams (chunked too); one byte more is 413. 25 MiB: the most GitHub sends. */
  maxBodyBytes: number;
  /** Bytes of header lines (`name: value\r\n`, counted on rawHeaders); one more is 431. 16 KiB, as Node and Cloudflare. */
  maxHeaderBytes: number;
  /** Header count, counted on rawHeaders (Node's maxHeadersCount would silently drop extras); one more is 431. */
  maxHeaderCount: number;
  /** Request target length in bytes; one more is 414. */
  maxUrlBytes: number;
  /** Slowloris guard: the whole head must arrive within this (408). */
  headersTimeoutMs: number;
  /** The whole request body must arrive within this (0: no limit). */
  requestTimeoutMs: number;
  /** Concurrent requests per tunnel; more is 503 with Retry-After (Cloudflare quick tunnels: 200). */
  maxInFlightPerTunnel: number;
  /** Token bucket per tunnel: requests per second (0: off, as on the embedded relay); beyond it is 429. */
  ratePerSecond: number;
  /** Token bucket size: a burst of redeliveries this large passes at once. */
  rateBurst: number;
  /** Tunnels one token may hold open at once; one more is a fatal refusal. */
  maxTunnelsPerToken: number;
  /** ws maxPayload: bodies are chunked, so a frame never needs more (ws CVE-2024-37890 advice: keep it bounded). */
  maxPayloadBytes: number;
  /** From the upgrade to an accepted HELLO (bore 3 s, rathole 5 s); the upgrade's own head is under headersTimeoutMs. */
  handshakeTimeoutMs: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** How long a disconnected random id stays reserved for its resume token (longer while requests are queued for it). */
  resumeTtlMs: number;
  /** Failed token checks per IP within authWindowMs; reaching it blocks the IP with 429 for authWindowMs (sish). */
  maxAuthFailures: number;
  authWindowMs: number;
  /** Connections per IP that are upgraded but have not sent an accepted HELLO yet; one more is 429. */
  maxPendingPerIp: number;
  /** On drain (SIGTERM), in-flight requests get this long to finish (cloudflared: 30 s). */
  drainTimeoutMs: number;
  /**
   * How long one sender that takes nothing of its answer (one frame) may hold its tunnel's reads (the protocol has no per-stream
   * flow control: every other request on the tunnel waits meanwhile, and the client's pongs go unread). Past it that
   * sender is cut off. Well under the heartbeat timeout, so a sender cannot get its tunnel dropped that way. 0: no limit.
   */
  slowReaderTimeoutMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxBodyBytes: 26_214_400,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxUrlBytes: 8 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  maxInFlightPerTunnel: 200,
  // Real webhook bursts (a provider redelivering a backlog) must pass: 200/s sustained, 1,000 at once.
  ratePerSecond: 200,
  rateBurst: 1_000,
  // Enough for every app on a developer's laptop; small enough that one leaked token cannot hold the relay.
  maxTunnelsPerToken: 20,
  maxPayloadBytes: MAX_FRAME_BYTES,
  handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
  heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
  resumeTtlMs: 10 * 60_000,
  maxAuthFailures: 10,
  authWindowMs: 60_000,
  maxPendingPerIp: 10,
  drainTimeoutMs: 30_000,
  // A reader taking a 256 KiB frame in 5 s (~50 KB/s) keeps up; a webhook sender reads a small answer at once.
  slowReaderTimeoutMs: 5_000,
};

export interface RelayOptions {
  port: number;
  host: string;
  /**
   * A listening socket to serve on instead of binding port and host: the one systemd passes (socket activation,
   * LISTEN_FDS). It outlives the relay process, so connections made while the relay restarts wait in its backlog.
   */
  listenFd?: number;
  /** Base of public URLs (https://hooks.example.com). Default: taken from the Host of each client's upgrade. */
  publicUrl?: string;
  /** Subdomain style: tunnels are <id>.<domain>. */
  domain?: string;
  /** Proxy addresses whose X-Forwarded-* headers are believed. */
  trustProxy?: string[];
  limits?: Partial<RelayLimits>;
  /** Tokens and reserved names. Without it, and without requireToken, the relay is anonymous: names are first-come. */
  auth?: RelayAuthStore;
  /** Demand a token even while none is configured (every client gets 401 until one is created). */
  requireToken?: boolean;
  /** How often live tunnels are checked against the token store, so a revocation closes them (default 2 s). */
  tokenRecheckMs?: number;
  /** Serve /healthz and /metrics on this port (then not on the public one). */
  adminPort?: number;
  /** Address of the admin port (default 127.0.0.1). */
  adminHost?: string;
  /**
   * The durable queue (SQLite, from src/relay-state/). With it, a request for a client that is away is stored and answered
   * 202, and acknowledge mode works; without it, such a request gets 503 and a client asking for --ack is refused.
   */
  queue?: DeliveryQueue;
  queueSettings?: Partial<QueueSettings>;
  /** Resume tokens (hashes) and ids; in memory when absent, so a restart would change random URLs. */
  resume?: ResumeStore;
  /**
   * Run as one node of several behind a load balancer, sharing tunnels, names, resume tokens and the away-queue in
   * Redis (relay-server/cluster/). Replaces `queue` and `resume`. Absent: a single relay, exactly as without it.
   */
  cluster?: ClusterOptions;
  /** One line per event (client connected, tunnel opened/closed). Quiet when absent. */
  log?: (line: string) => void;
  /**
   * The relay `listen` runs by itself on loopback. Said in its signature header, so another `listen` shares (and, once
   * its host stops, takes over) only an embedded relay, never a `hooktunnel relay` someone runs on the same port.
   */
  embedded?: boolean;
}
