// A relay node in a cluster, wired: Redis, the tunnel directory, the stream queue, hops to other nodes, the refresh
// tick, and what /healthz and /metrics say. relay.ts calls these hooks only when started with a cluster.

import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { HelloMeta } from '../../src/protocol.js';
import type { QueueSettings } from '../delivery-queue.js';
import { CLUSTER_DIRECTORY_HINT, sendError } from '../error-page.js';
import type { RelayLimits } from '../options.js';
import type { RequestHead } from '../relay-queue.js';
import type { ResumeStore } from '../resume-store.js';
import type { Claim, TunnelRegistry } from '../tunnel-registry.js';
import { clusterClaim } from './cluster-claim.js';
import { DEFAULT_HOP_TIMEOUT_MS, DEFAULT_LOCATION_TTL_MS, DEFAULT_REFRESH_MS, type ClusterOptions } from './cluster-options.js';
import { ClusterQueueing } from './cluster-queueing.js';
import { TunnelDirectory, type Holder } from './directory.js';
import { HopAnswerClocks } from './hop-answer-clocks.js';
import { HOLDER_SILENT_HINT, hopToNode, inboundHop, type Hop } from './node-hop.js';
import { answerIdentity, checkNodeUrl, NODE_PATH, nodeUrlLine } from './node-url-check.js';
import { redisKeys } from './redis-keys.js';
import { RedisConnection } from './redis-connection.js';
import { RedisRefused, redisReason, shownRedisUrl } from './load-redis.js';
import { StreamQueue } from './stream-queue.js';

/**
 * How long a node remembers where another node's tunnel is, so a stream of webhooks costs one Redis lookup a second
 * instead of one each. A move announces itself (pub/sub `moved`) and clears the entry at once; a hop that still lands
 * on the old node is queued there and delivered, never lost.
 */
const LOCATION_CACHE_MS = 1_000;

export interface ClusterDeps {
  limits: RelayLimits;
  queueSettings?: Partial<QueueSettings>;
  log: (line: string) => void;
  /** The node is draining: nothing new starts a live exchange. */
  isDraining: () => boolean;
}

export interface ClusterNode {
  /** For the node's TunnelRegistry: a client's departure lets go of its claim. */
  readonly resume: ResumeStore;
  /** Replaces the local queue; undefined with `--no-queue`. */
  readonly queueing: ClusterQueueing | undefined;
  bind(registry: TunnelRegistry): void;
  claim(hello: HelloMeta, tokenKey: string | undefined): Promise<Claim>;
  /** A request passed on by another node (Hop), one with a wrong secret ('forged'), or a public one (undefined). */
  inbound(req: IncomingMessage): Hop | 'forged' | undefined;
  /** A request for a tunnel not connected here: hop to its node, queue it, or refuse it. */
  elsewhere(req: IncomingMessage, res: ServerResponse, head: RequestHead, hopped: boolean, traffic: { in: number; out: number }): void;
  /** Answers another node's (or this one's) identity probe at NODE_PATH; false for any other request. */
  identify(req: IncomingMessage, res: ServerResponse): boolean;
  /** Once serving: logs whether --node-url reaches this node, and what to do when it does not (node-url-check.ts). */
  checkNodeUrl(): Promise<void>;
  health(): { node: string; redis: 'up' | 'down' };
  metrics(): string;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createCluster(options: ClusterOptions, deps: ClusterDeps): ClusterNode {
  const { limits, log } = deps;
  const redis = new RedisConnection(options.redisUrl, log);
  const directory = new TunnelDirectory(
    redis,
    options.nodeUrl,
    { locationTtlMs: options.locationTtlMs ?? DEFAULT_LOCATION_TTL_MS, resumeTtlMs: limits.resumeTtlMs },
    log,
  );
  const queue = new StreamQueue(redis);
  const queueing = options.queue
    ? new ClusterQueueing(queue, deps.queueSettings, { announce: (id) => directory.publish(`kick ${id}`), ackFor: (id) => directory.ackFor(id), redisUp: () => redis.isUp }, log)
    : undefined;
  const secretDigest = createHash('sha256').update(options.secret, 'utf8').digest();
  // Which process this is, for the --node-url check: two nodes given the same URL both answer there as "a node".
  const instance = randomBytes(12).toString('base64url');
  // Kept-alive sockets to the other nodes: a hop costs no TCP handshake.
  const agent = new http.Agent({ keepAlive: true });
  const hops = { ok: 0, failed: 0, unreachable: 0 };
  const hopTimeoutMs = options.hopTimeoutMs ?? DEFAULT_HOP_TIMEOUT_MS;
  // The margin past the tunnel's own deadline is --hop-timeout: the same measure of how slow a live node may be.
  const answerClocks = new HopAnswerClocks(hopTimeoutMs);
  let registry: TunnelRegistry | undefined;
  let timer: NodeJS.Timeout | undefined;
  let refreshing = false;
  const locations = new Map<string, Holder & { until: number }>();

  async function locate(id: string): Promise<Holder | undefined> {
    const cached = locations.get(id);
    if (cached && cached.until > Date.now()) return cached;
    const holder = await directory.holder(id);
    if (holder && holder.node !== options.nodeUrl) locations.set(id, { ...holder, until: Date.now() + LOCATION_CACHE_MS });
    else locations.delete(id);
    return holder;
  }

  const localRegistry = () => {
    if (!registry) throw new Error('cluster used before bind()');
    return registry;
  };

  function displace(id: string, by: string): void {
    const tunnel = registry?.get(id);
    if (!tunnel) return;
    // For the log line of its close: the node is named there, never to the client (a private address).
    tunnel.closeReason = `another client took it over on ${by}`;
    // At once, as on a single relay: its in-flight requests are requeued or failed now, not when its socket dies.
    tunnel.displace(`another client took over tunnel ${id} (hooktunnel listen --force, or a reconnect)`);
  }

  /** Keeps this node's claims alive (and writes them again after Redis lost them), and kicks the pumps. */
  async function refresh(): Promise<void> {
    if (refreshing || !redis.isUp) return;
    refreshing = true;
    try {
      const lost = await directory.refresh((id) => registry?.get(id) !== undefined);
      const now = Date.now();
      for (const [id, entry] of locations) if (entry.until <= now) locations.delete(id);
      for (const id of lost) displace(id, 'another node');
      queueing?.kick();
    } catch (error) {
      log(`cluster refresh failed: ${redisReason(error)}`);
    } finally {
      refreshing = false;
    }
  }

  function onEvent(message: string): void {
    const [kind, id, node] = message.split(' ');
    if (kind === 'moved' && id) locations.delete(id);
    if (kind === 'kick' && id) queueing?.kick(id);
    if (kind === 'moved' && id && node && node !== options.nodeUrl && registry?.get(id)) {
      // Checked against Redis: a late announcement must not close a client that has since come back here.
      directory.locate(id).then(
        (holder) => holder && holder !== options.nodeUrl && displace(id, holder),
        () => {},
      );
    }
  }

  const unavailable = (req: IncomingMessage, res: ServerResponse, id: string) =>
    sendError(req, res, {
      code: 'tunnel_offline',
      message: `this relay node cannot reach Redis to find tunnel ${id}; retry shortly`,
      retryAfterSeconds: 5,
      hint: CLUSTER_DIRECTORY_HINT,
    }, true);

  /**
   * The client is not connected anywhere (or a hop found it gone, or its node did not take the request: `holderWhy`
   * says so to a sender nothing can be queued for): queue for it if it is known, else 404.
   */
  async function away(req: IncomingMessage, res: ServerResponse, head: RequestHead, traffic: { in: number }, holderWhy?: string): Promise<void> {
    const id = head.tunnelId;
    let known: boolean;
    try {
      known = await directory.known(id);
    } catch {
      return unavailable(req, res, id);
    }
    if (!known) return sendError(req, res, { code: 'tunnel_not_found', message: `no tunnel "${id}" is connected to this relay` }, true);
    if (!queueing) {
      if (holderWhy) return sendError(req, res, { code: 'tunnel_offline', message: `${holderWhy}; retry shortly`, retryAfterSeconds: 30, hint: HOLDER_SILENT_HINT }, true);
      return sendError(req, res, { code: 'tunnel_offline', message: `tunnel "${id}" is not connected right now`, retryAfterSeconds: 30 }, true);
    }
    queueing.accept(req, res, head, undefined, limits.maxBodyBytes, (bytes) => (traffic.in = bytes));
  }

  return {
    resume: directory.resumeStore(),
    queueing,
    bind(bound) {
      registry = bound;
    },
    async claim(hello, tokenKey) {
      try {
        return await clusterClaim(hello, tokenKey, { directory, registry: localRegistry(), maxTunnelsPerToken: limits.maxTunnelsPerToken });
      } catch (error) {
        // The client is told why (cluster_unavailable): in words, not in ioredis's.
        throw new Error(redisReason(error));
      }
    },
    inbound: (req) => inboundHop(req, secretDigest),
    elsewhere(req, res, head, hopped, traffic) {
      // A hop that finds no client here is answered here (queued): passing it on again could loop between nodes.
      // A draining node starts no new exchange, a hop included: it queues the request, and the holder's pump delivers
      // it (kicked through pub/sub), so nothing is cut when this node's drain timer ends.
      if (hopped || (queueing && deps.isDraining())) return void away(req, res, head, traffic);
      locate(head.tunnelId).then(
        (located) => {
          if (!located || located.node === options.nodeUrl) return away(req, res, head, traffic);
          const holder = located.node;
          hopToNode(holder, { req, res, tunnelId: head.tunnelId, headers: head.headers, url: head.url }, {
            secret: options.secret,
            agent,
            timeoutMs: hopTimeoutMs,
            answerClock: answerClocks.for(located.clientTimeoutMs),
            onUnreachable(why, answered) {
              // The holder is gone (killed, frozen, its host lost): drop its claim, so the next requests for the tunnel
              // are queued at once instead of each waiting on it (a live node writes its claim again on its next
              // refresh), and queue this one unless the hop had to answer it.
              hops.unreachable++;
              locations.delete(head.tunnelId);
              log(`node ${holder} ${why} when passed a request for tunnel ${head.tunnelId}; the tunnel is treated as away until that node claims it again`);
              directory.unclaim(head.tunnelId, holder).catch(() => {});
              if (!answered) void away(req, res, head, traffic, `the relay node holding tunnel ${head.tunnelId} ${why}`);
            },
            onAnswerOverdue(seconds) {
              // Not queued: the holder has the body, and may still deliver it when it wakes. Its claim stays: if it is
              // frozen, the next hop to it finds out within --hop-timeout and lets go of it then.
              log(`node ${holder} took a request for tunnel ${head.tunnelId} and passed no answer back within ${seconds} s (the tunnel's --timeout, the relay's grace and --hop-timeout); answered 504 local_timeout`);
            },
            done(outcome) {
              hops[outcome.ok ? 'ok' : 'failed']++;
              traffic.in = outcome.bytesIn;
              traffic.out = outcome.bytesOut;
            },
          });
        },
        () => unavailable(req, res, head.tunnelId),
      );
    },
    identify(req, res) {
      if ((req.url ?? '').split('?')[0] !== NODE_PATH || req.method !== 'GET') return false;
      // Only to a node: the secret's holders. Anyone else gets the relay's 404 for an unknown path.
      const hop = inboundHop(req, secretDigest);
      if (hop === undefined || hop === 'forged') return false;
      answerIdentity(res, instance);
      return true;
    },
    async checkNodeUrl() {
      log(nodeUrlLine(options.nodeUrl, await checkNodeUrl(options.nodeUrl, options.secret, instance, hopTimeoutMs)));
    },
    health: () => ({ node: options.nodeUrl, redis: redis.isUp ? 'up' : 'down' }),
    metrics() {
      const lines = [
        '# HELP hooktunnel_redis_up Whether this node reaches the cluster\'s Redis (1) or not (0).',
        '# TYPE hooktunnel_redis_up gauge',
        `hooktunnel_redis_up ${redis.isUp ? 1 : 0}`,
        '# HELP hooktunnel_cluster_hops_total Requests passed to the node holding their tunnel, by outcome.',
        '# TYPE hooktunnel_cluster_hops_total counter',
        ...Object.entries(hops).map(([outcome, count]) => `hooktunnel_cluster_hops_total{outcome="${outcome}"} ${count}`),
      ];
      return `${lines.join('\n')}\n`;
    },
    async start() {
      redis.subscriber.on('message', (_channel: string, message: string) => onEvent(message));
      // On every (re)connection of the subscriber, not once: a node that started while Redis was down has never
      // subscribed, and ioredis only re-subscribes channels it had. SUBSCRIBE to a subscribed channel is a no-op.
      redis.subscriber.on('ready', () => void redis.subscriber.subscribe(redisKeys.events).catch(() => {}));
      // After Redis comes back (or restarts empty), write this node's claims again at once.
      redis.onReady(() => void refresh());
      redis.onReady(() => void queueing?.refreshTotals().catch(() => {}));
      // Connect before anything else issues a command: with lazyConnect the first command would start the connection
      // itself, and this connect() would then fail with "already connecting".
      try {
        await redis.connect();
      } catch (error) {
        // A wrong password or database is not an outage: retrying cannot fix it, so the node does not start.
        if (error instanceof RedisRefused) {
          redis.close();
          throw new RedisRefused(`Redis at ${shownRedisUrl(options.redisUrl)} ${error.message}`);
        }
        // A node restarting during a Redis outage starts anyway, degraded as a running node is when Redis goes away:
        // it answers 503 for tunnels it cannot locate, refuses new clients (they retry), and /healthz and /metrics
        // say Redis is down. ioredis keeps reconnecting; the first connection registers the node as above.
        log(`Redis at ${shownRedisUrl(options.redisUrl)} is not reachable (${(error as Error).message}): serving degraded until it is; retrying`);
      }
      timer = setInterval(() => {
        answerClocks.prune();
        void refresh();
      }, options.refreshMs ?? DEFAULT_REFRESH_MS);
      timer.unref();
      // The queue's timers are started by relay.ts (queueing is this node's queue): starting them here too ran every
      // expiry pass twice and left the first timers running after close().
    },
    async close() {
      clearInterval(timer);
      answerClocks.clear();
      queueing?.close();
      agent.destroy();
      // Let the releases of the tunnels that just closed reach Redis; Redis down or slow does not hold the stop.
      let flushTimer: NodeJS.Timeout | undefined;
      await Promise.race([redis.command.ping().catch(() => {}), new Promise((resolve) => (flushTimer = setTimeout(resolve, 500)))]);
      clearTimeout(flushTimer);
      redis.close();
    },
  };
}
