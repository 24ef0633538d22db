// Sends each request where its route says: a Forwarder per forward/ack route (own target, timeout, Host mode) given
// the rest of the path, a fixed answer for mock routes, a 404 from hooktunnel when no route takes the path.
// The forwarders themselves are untouched: this only picks one and rewrites the path it is handed.

import type { Readable } from 'node:stream';
import { Forwarder, type ForwardHandle, type ForwardHandlers, type ForwardRequest } from '../forward/forwarder.js';
import type { Destination, ForwardPort } from '../forward/forward-port.js';
import type { Target } from '../forward/target.js';
import type { HeaderPairs } from '../protocol.js';
import { resolveRoute, restOfPath, type MockAnswer, type Route } from './route-table.js';

import { MOCK_TARGET, NO_ROUTE_TARGET } from './answered-here.js';

export { MOCK_TARGET, NO_ROUTE_TARGET } from './answered-here.js';

export class RoutedForwarder implements ForwardPort {
  private readonly forwarders = new Map<Route, Forwarder>();

  constructor(
    private readonly routes: Route[],
    /** Shown where one target is expected (TUI header, resume key): the first forwarding route's. */
    readonly target: Target,
  ) {
    for (const route of routes) {
      if (route.mode !== 'mock') this.forwarders.set(route, new Forwarder(route.target, { timeoutMs: route.timeoutMs, hostHeader: route.hostHeader }));
    }
  }

  /** Every target exchanges may be recorded with, for the delivery worker (queued requests and retries). */
  targets(): string[] {
    return [...new Set(this.routes.map((r) => (r.mode === 'mock' ? MOCK_TARGET : r.target.url)))];
  }

  destination(path: string): Destination {
    const route = resolveRoute(this.routes, path);
    if (!route) return { target: NO_ROUTE_TARGET, route: null };
    return { target: route.mode === 'mock' ? MOCK_TARGET : route.target.url, route: route.prefix };
  }

  forward(request: ForwardRequest, handlers: ForwardHandlers): ForwardHandle {
    const route = resolveRoute(this.routes, request.path);
    if (!route) return answer(request.body, notFound(request.path), handlers);
    if (route.mode === 'mock') return answer(request.body, route.mock, handlers);
    return this.forwarders.get(route)!.forward({ ...request, path: restOfPath(route.prefix, request.path) }, handlers);
  }

  close(): void {
    for (const forwarder of this.forwarders.values()) forwarder.close();
  }
}

function notFound(path: string): MockAnswer {
  const body = Buffer.from(`hooktunnel: no route in hooktunnel.yml takes ${path.split('?')[0]}\n`);
  // Sent as the local app's answer would be (the tunnel keeps X-Hooktunnel-Error for the relay's own errors).
  return { status: 404, headers: [['Content-Type', 'text/plain; charset=utf-8']], body };
}

/**
 * Answers with fixed bytes once the request body is read to its end (it is being recorded meanwhile: answering
 * earlier would cut the recording short). Never synchronously: the caller holds the handle before any callback.
 */
function answer(body: Buffer | Readable, mock: MockAnswer, handlers: ForwardHandlers): ForwardHandle {
  let aborted = false;
  const respond = () => {
    if (aborted) return;
    aborted = true;
    const headers: HeaderPairs = mock.headers.some(([n]) => n.toLowerCase() === 'content-length')
      ? mock.headers
      : [...mock.headers, ['Content-Length', String(mock.body.length)]];
    handlers.onResponse(mock.status, headers);
    if (mock.body.length > 0) handlers.onData(mock.body, true);
    handlers.onEnd();
  };
  if (Buffer.isBuffer(body) || body.readableEnded || body.destroyed) setImmediate(respond);
  else {
    body.once('end', () => setImmediate(respond));
    body.once('close', () => setImmediate(respond));
  }
  return {
    abort: () => void (aborted = true),
    pause: () => {},
    resume: () => {},
  };
}
