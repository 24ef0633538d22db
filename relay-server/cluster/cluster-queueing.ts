// The relay's queueing on a clustered node: the same surface as relay-queue.ts (relay.ts calls either), with the
// requests stored in Redis Streams and delivered by whichever node holds the tunnel when its client is back.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings, type QueueUsage } from '../delivery-queue.js';
import { CLUSTER_DIRECTORY_HINT, sendError } from '../error-page.js';
import { requeued, type Requeue } from '../public-request.js';
import { acknowledges, answerQueued, ByteBudget, IntakeLoad, queuedRecord, queueFull, readWholeBody, type QueuedRequest } from '../queue-intake.js';
import type { AckSettings } from '../../src/protocol.js';
import type { RequestHead } from '../relay-queue.js';
import type { TunnelConnection } from '../tunnel-connection.js';
import { redisReason } from './load-redis.js';
import { StreamPump } from './stream-pump.js';
import type { StreamQueue } from './stream-queue.js';

/** As relay-queue.ts: expired requests are dropped about once a minute (each node walks the stream heads). */
const EXPIRY_INTERVAL_MS = 60_000;
/** /metrics shows cluster-wide queue totals at most this old (one HMGET a second). */
const TOTALS_INTERVAL_MS = 1_000;
/** Redis did not take the request: the sender retries soon (perhaps reaching it once it is back). */
const REDIS_DOWN = { code: 'queue_full', message: 'the relay could not store the request (its Redis is unreachable)', retryAfterSeconds: 5 } as const;

export interface ClusterQueueingHooks {
  /** A request was queued for a tunnel not connected here: its holder (if any) must pump. */
  announce: (tunnelId: string) => void;
  /** An away client's ack settings, kept in Redis with its reservation (so any node answers as the client asked). */
  ackFor: (tunnelId: string) => Promise<AckSettings | undefined>;
  /** Redis is reachable: while it is not, the expiry pass waits (the node already logged that Redis is down). */
  redisUp: () => boolean;
}

export class ClusterQueueing {
  private readonly settings: QueueSettings;
  private readonly keptBodies: ByteBudget;
  /** Requests whose bodies this node is reading for the stream: they count against the tunnel's caps as they arrive. */
  private readonly load = new IntakeLoad();
  /** The pump of each tunnel connected here. */
  private readonly pumps = new Map<string, { connection: TunnelConnection; pump: StreamPump }>();
  private cachedTotals: QueueUsage = { count: 0, bytes: 0 };
  private timer: NodeJS.Timeout | undefined;
  private totalsTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: StreamQueue,
    settings: Partial<QueueSettings> | undefined,
    private readonly hooks: ClusterQueueingHooks,
    private readonly log: (line: string) => void,
  ) {
    this.settings = { ...DEFAULT_QUEUE_SETTINGS, ...settings };
    this.keptBodies = new ByteBudget(this.settings.keepBodiesBytes);
    // One for every live request (as RelayQueue.requeue): no closure per request on the hot path.
    this.requeue = {
      budget: this.keptBodies,
      store: (request, receivedAt, body) => void this.store(request.req, request.res, requeued(request, receivedAt, this.settings), body),
    };
  }

  /** For live requests: one whose tunnel drops after its body arrived is stored in the stream under its own delivery id. */
  readonly requeue: Requeue;

  /**
   * Does this request go to the stream (client away, or a path it acknowledges)? A draining node streams everything,
   * for tunnels held by other nodes too (relay.ts, cluster.ts elsewhere()); the holding node delivers them.
   */
  takes(tunnel: TunnelConnection | undefined, path: string): boolean {
    return !tunnel || acknowledges(tunnel.ack, path);
  }

  /**
   * Reads the whole body (the limit still applies, counted as it streams), stores it in the stream, answers. A path
   * the client acknowledges gets the client's own answer, connected here or away (its settings are read from Redis).
   */
  accept(req: IncomingMessage, res: ServerResponse, head: RequestHead, tunnel: TunnelConnection | undefined, maxBodyBytes: number, done: (bytesIn: number) => void): void {
    // As on a single relay, a full queue is refused before the body is read (the store re-checks atomically).
    const ackRead = tunnel ? Promise.resolve(tunnel.ack) : this.hooks.ackFor(head.tunnelId);
    Promise.all([this.queue.usage(head.tunnelId), ackRead]).then(
      ([usage, ack]) => {
        const acked = acknowledges(ack, head.path);
        const request: QueuedRequest = { ...head, reason: acked ? 'ack' : 'offline', answer: acked ? ack : this.settings };
        const admitted = this.load.admit(head.tunnelId, usage, this.settings, req);
        if ('refused' in admitted) {
          sendError(req, res, admitted.refused, true);
          return done(0);
        }
        readWholeBody(req, res, maxBodyBytes, (body) => void this.store(req, res, request, body), done, admitted.share);
      },
      () => {
        sendError(req, res, REDIS_DOWN, true);
        done(0);
      },
    );
  }

  open(connection: TunnelConnection): void {
    const pump = new StreamPump(this.queue, connection, this.log);
    this.pumps.set(connection.id, { connection, pump });
    pump.kick();
  }

  /** Another node queued a request for `tunnelId` (or the refresh tick asks): send it if its client is here. */
  kick(tunnelId?: string): void {
    for (const [id, { connection, pump }] of this.pumps) {
      if (connection.closed) this.pumps.delete(id);
      else if (tunnelId === undefined || id === tunnelId) pump.kick();
    }
  }

  /** Cluster-wide totals, as last read (read every second: /metrics must not wait on Redis). */
  totals(): QueueUsage {
    return this.cachedTotals;
  }

  async refreshTotals(): Promise<void> {
    this.cachedTotals = await this.queue.totals();
  }

  start(): void {
    const expire = () => {
      if (!this.hooks.redisUp()) return;
      this.queue.expire().then(
        (dropped) => {
          if (dropped > 0) this.log(`dropped ${dropped} queued requests older than ${this.settings.ttlMs / 1000} s (their clients never came back)`);
        },
        (error: Error) => this.log(`queue expiry failed: ${redisReason(error)}`),
      );
    };
    expire();
    this.timer = setInterval(expire, EXPIRY_INTERVAL_MS);
    this.timer.unref();
    this.totalsTimer = setInterval(() => this.refreshTotals().catch(() => {}), TOTALS_INTERVAL_MS);
    this.totalsTimer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    clearInterval(this.totalsTimer);
  }

  /** Stores a complete request and answers its sender: 2xx once stored, 503 when it cannot be. */
  private async store(req: IncomingMessage, res: ServerResponse, request: QueuedRequest, body: Buffer): Promise<void> {
    const receivedAt = request.receivedAt ?? Date.now();
    const expiresAt = receivedAt + this.settings.ttlMs;
    const { maxCount, maxBytes } = this.settings;
    let stored: 'stored' | 'full' | 'unknown';
    try {
      stored = await this.queue.enqueue(queuedRecord(request, body, receivedAt, expiresAt), { maxCount, maxBytes });
    } catch (error) {
      this.log(`could not queue a request for tunnel ${request.tunnelId}: ${redisReason(error)}`);
      return sendError(req, res, REDIS_DOWN);
    }
    // Redis lost the tunnel while the body arrived (it restarted empty): a 202 would promise a delivery to a URL no
    // client will have. The sender retries; by then the holder has registered again, or the answer is a 404.
    if (stored === 'unknown') {
      const message = `the relay's Redis no longer knows tunnel ${request.tunnelId} (it restarted); retry shortly`;
      return sendError(req, res, { code: 'tunnel_offline', message, retryAfterSeconds: 5, hint: CLUSTER_DIRECTORY_HINT });
    }
    // Over a cap by the time it was stored (the script checks them atomically): which one, Redis does not say.
    if (stored === 'full') return sendError(req, res, queueFull(`tunnel ${request.tunnelId} already has ${maxCount} requests or ${maxBytes} bytes queued`));
    answerQueued(res, request);
    const local = this.pumps.get(request.tunnelId);
    if (local && !local.connection.closed) local.pump.kick(request.deliveryId);
    else this.hooks.announce(request.tunnelId);
  }
}
