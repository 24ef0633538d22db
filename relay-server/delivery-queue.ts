// The relay's durable queue of requests it answered itself (client away, or acknowledge mode), as the relay sees it.
// The SQLite implementation lives in src/relay-state/; the relay only talks to this interface.

import type { HeaderPairs, QueuedMeta } from '../src/protocol.js';

/** One request the sender was already answered for, kept until the tunnel's client ACKs it. */
export interface QueuedDelivery {
  /** Arrival order on this relay; deliveries go out in this order. */
  seq: number;
  deliveryId: string;
  tunnelId: string;
  method: string;
  path: string;
  headers: HeaderPairs;
  url: string;
  body: Buffer;
  /** Epoch ms at which the relay received it. */
  receivedAt: number;
  /** Epoch ms after which it is dropped undelivered. */
  expiresAt: number;
  reason: QueuedMeta['reason'];
  /** What the sender was told. */
  answerStatus: number;
  answerBody: string;
}

export type NewDelivery = Omit<QueuedDelivery, 'seq'>;

export interface QueueUsage {
  count: number;
  bytes: number;
}

/**
 * Durable: a delivery is written before the sender hears 2xx, and removed only when the client ACKs it
 * (at-least-once; the client drops redeliveries it already has). Survives a relay restart.
 */
export interface DeliveryQueue {
  /** Stores a delivery; it is durable when this returns. */
  enqueue(delivery: NewDelivery): void;
  /** The tunnel's unexpired deliveries after `afterSeq`, oldest first, at most `limit`. */
  pending(tunnelId: string, afterSeq: number, limit: number, now?: number): QueuedDelivery[];
  /** Forgets a delivery the client committed; false when it is not queued for this tunnel (already gone, or never). */
  remove(tunnelId: string, deliveryId: string): boolean;
  /** What a tunnel holds now (unexpired). */
  usage(tunnelId: string, now?: number): QueueUsage;
  /** Every tunnel's total, for /metrics. */
  totals(now?: number): QueueUsage;
  /** Drops deliveries past their TTL; returns how many. */
  expire(now?: number): number;
}

/** Limits and the answer senders get while a request is queued. Each a relay flag with an env var. */
export interface QueueSettings {
  /** Deliveries held per tunnel; one more is 503 queue_full with Retry-After. */
  maxCount: number;
  /** Body bytes held per tunnel; beyond is 503 queue_full. */
  maxBytes: number;
  /** How long a delivery waits for its client; the tunnel's id stays reserved at least this long after it arrives. */
  ttlMs: number;
  /** What a sender hears when its request was queued because the client is away (202 Accepted by default). */
  status: number;
  body: string;
  /** Memory for keeping bodies of live requests (all tunnels), so one whose tunnel drops mid-way is queued whole. */
  keepBodiesBytes: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  // ~10 minutes of a busy Stripe account's events, and far more than a developer's laptop sleeps through.
  maxCount: 1_000,
  maxBytes: 100 * 1024 * 1024,
  // Stripe retries for 3 days and GitHub not at all: a day covers a night with the laptop closed.
  ttlMs: 24 * 60 * 60_000,
  // 202 Accepted (RFC 9110 §15.3.3): taken for processing, not processed yet.
  status: 202,
  body: '{"queued":true}',
  keepBodiesBytes: 64 * 1024 * 1024,
};
