// Settings of a relay node that shares its tunnels with other nodes through Redis (`hooktunnel relay --redis`).

export interface ClusterOptions {
  /** redis:// or rediss:// URL of the shared Redis. */
  redisUrl: string;
  /** This node's address as the other nodes reach it (http://10.0.0.5:8080); stored as the holder of its tunnels. */
  nodeUrl: string;
  /** Shared by every node; carried on node-to-node requests so nobody else can inject a "hop". */
  secret: string;
  /** Requests for a client that is away go to a Redis Stream (202); false: 503 instead (`--no-queue`). */
  queue: boolean;
  /** How long a node's claim on a tunnel lives without a refresh: a killed node's tunnels are free after this. */
  locationTtlMs?: number;
  /** How often a node refreshes its claims (and re-registers them after Redis lost them). */
  refreshMs?: number;
  /**
   * How long a hop waits for the holding node to take the request (connect, then its 100 Continue); `--hop-timeout`.
   * Also how late past the tunnel's own answer deadline the holder's answer may come (see HopAnswerClocks).
   */
  hopTimeoutMs?: number;
}

/** 15 s: a killed node's tunnels are unclaimed within that, and clients reconnecting with a resume token do not wait for it. */
export const DEFAULT_LOCATION_TTL_MS = 15_000;
/** A third of the TTL: two refreshes may be missed (a slow Redis) before a live node loses its claims. */
export const DEFAULT_REFRESH_MS = 5_000;
/**
 * 3 s: a node on the same network connects and says "go on" within milliseconds, even busy; one that has not after this
 * is frozen, or its host is gone, and the request is queued for the tunnel instead of waiting for the sender to give up.
 */
export const DEFAULT_HOP_TIMEOUT_MS = 3_000;
/**
 * Every Redis command fails after this instead of waiting: a stalled Redis must turn into a 503 for the sender,
 * not a hung request. Long enough for a 25 MiB XADD on a LAN.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 5_000;
/** Header that marks a node-to-node request; its value is the cluster secret. */
export const HOP_HEADER = 'x-hooktunnel-hop';
/** Header with the public URL the sender used, as the first node computed it. */
export const HOP_URL_HEADER = 'x-hooktunnel-hop-url';
/** Header saying the hop's `Expect: 100-continue` is the first node's, not the sender's: the holder drops both. */
export const HOP_EXPECT_HEADER = 'x-hooktunnel-hop-expect';
