// The relay's own pages: liveness and metrics, on the bare host or on a separate admin port.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { QueueUsage } from './delivery-queue.js';
import { METRICS_CONTENT_TYPE, type RelayMetrics } from './metrics.js';

export interface AdminState {
  metrics: RelayMetrics;
  tunnelCount: () => number;
  isDraining: () => boolean;
  /** Requests waiting in the durable queue, when the relay has one. */
  queued?: () => QueueUsage;
  /** A clustered node: its address and whether it reaches Redis, and its cluster metrics lines. */
  cluster?: { health(): { node: string; redis: 'up' | 'down' }; metrics(): string };
}

export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

/** Answers HEALTH_PATH and METRICS_PATH; returns false for any other path. */
export function handleAdmin(req: IncomingMessage, res: ServerResponse, state: AdminState): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (path === HEALTH_PATH) {
    // 503 while draining, so a load balancer stops sending new work here.
    const draining = state.isDraining();
    res.writeHead(draining ? 503 : 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    // Redis down keeps the node up (it serves the tunnels it holds); the state is reported, not failed on.
    const cluster = state.cluster?.health();
    res.end(JSON.stringify({ ok: !draining, draining, tunnels: state.tunnelCount(), ...(cluster ? { cluster } : {}) }) + '\n');
    return true;
  }
  if (path === METRICS_PATH) {
    res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
    res.end(state.metrics.render(state.tunnelCount(), state.queued?.()) + (state.cluster?.metrics() ?? ''));
    return true;
  }
  return false;
}
