// The relay's queueing, wired: where a public request goes when its client is away or in acknowledge mode, a pump per
// connected tunnel, the memory budget for requeueing live requests, and the timer that drops expired deliveries.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_QUEUE_SETTINGS, type DeliveryQueue, type QueueSettings, type QueueUsage } from './delivery-queue.js';
import { DeliveryPump } from './delivery-pump.js';
import { requeued, type Requeue, type RequestHead } from './public-request.js';
import { acknowledges, ByteBudget, IntakeLoad, queuePublicRequest, storeAndAnswer, type QueueIntake } from './queue-intake.js';
import type { TunnelConnection } from './tunnel-connection.js';
import type { TunnelRegistry } from './tunnel-registry.js';

/** How often expired queued requests are dropped. */
const EXPIRY_INTERVAL_MS = 60_000;

// Defined with the live path (public-request.ts), which both the queue and the cluster share.
export type { RequestHead };

export class RelayQueue {
  private readonly intake: QueueIntake;
  private readonly settings: QueueSettings;
  private readonly pumps = new WeakMap<TunnelConnection, DeliveryPump>();
  private readonly keptBodies: ByteBudget;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly queue: DeliveryQueue,
    settings: Partial<QueueSettings> | undefined,
    private readonly registry: TunnelRegistry,
    private readonly log: (line: string) => void,
  ) {
    this.settings = { ...DEFAULT_QUEUE_SETTINGS, ...settings };
    this.keptBodies = new ByteBudget(this.settings.keepBodiesBytes);
    this.requeue = {
      budget: this.keptBodies,
      store: (request, receivedAt, body) => storeAndAnswer(this.intake, request.req, request.res, requeued(request, receivedAt, this.settings), body),
    };
    this.intake = {
      queue,
      settings: this.settings,
      load: new IntakeLoad(),
      log,
      onQueued: (tunnelId, deliveryId, expiresAt) => {
        // The id stays reserved while a request waits for it (DEFAULTS.md: at least as long as queued requests).
        registry.holdUntil(tunnelId, expiresAt);
        const tunnel = registry.get(tunnelId);
        if (tunnel) this.pumps.get(tunnel)?.kick(deliveryId);
      },
    };
  }

  /**
   * Does this request go to the queue (client away, or a path it acknowledges) rather than through the tunnel? A
   * draining relay queues everything (relay.ts): every new request gets 202 (or 503 queue_full when the queue cannot
   * take it), a connected client still gets it at once through its pump, and one cut off before its ACK gets it again
   * from the relay's next run.
   */
  takes(tunnel: TunnelConnection | undefined, path: string): boolean {
    return !tunnel || acknowledges(tunnel.ack, path);
  }

  /**
   * Reads, stores and answers a request for the queue. A path the client acknowledges gets the client's own answer,
   * whether it is connected or away (the relay keeps its settings with the id's resume state); others get the relay's.
   */
  accept(req: IncomingMessage, res: ServerResponse, head: RequestHead, tunnel: TunnelConnection | undefined, maxBodyBytes: number, done: (bytesIn: number) => void): void {
    const ack = tunnel ? tunnel.ack : this.registry.ackFor(head.tunnelId);
    const acked = acknowledges(ack, head.path);
    const request = { ...head, reason: acked ? ('ack' as const) : ('offline' as const), answer: acked ? ack : this.settings };
    queuePublicRequest(this.intake, req, res, request, maxBodyBytes, done);
  }

  /** For live requests: one whose tunnel drops after its body arrived is queued under its own delivery id. */
  readonly requeue: Requeue;

  /** A tunnel was welcomed: send what waits for it. */
  open(connection: TunnelConnection): void {
    const pump = new DeliveryPump(this.queue, connection, this.log);
    this.pumps.set(connection, pump);
    pump.kick();
  }

  totals(): QueueUsage {
    return this.queue.totals();
  }

  start(): void {
    const expire = () => {
      try {
        const dropped = this.queue.expire();
        if (dropped > 0) this.log(`dropped ${dropped} queued requests older than ${this.settings.ttlMs / 1000} s (their clients never came back)`);
      } catch (error) {
        this.log(`queue expiry failed: ${(error as Error).message}`);
      }
    };
    expire();
    this.timer = setInterval(expire, EXPIRY_INTERVAL_MS);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }
}
