// Where a recorded exchange is sent again (replay, retry, curl, HAR): its route's target gets the rest of the path.

import { Forwarder, type ForwardHandlers, type ForwardRequest } from '../forward/forwarder.js';
import type { ForwardPort } from '../forward/forward-port.js';
import { restOfPath } from './route-table.js';

/** The path relative to the exchange's target: the recorded (public) path minus the route's prefix, if a route took it. */
export function forwardedPath(e: { path: string; route?: string | null }): string {
  return e.route ? restOfPath(e.route, e.path) : e.path;
}

/** A forwarder for one routed exchange sent again: it records the public path and the route, and sends the rest. */
export function routePort(inner: Forwarder, route: string | null | undefined): ForwardPort {
  if (!route) return inner;
  return {
    target: inner.target,
    destination: () => ({ target: inner.target.url, route }),
    forward: (request: ForwardRequest, handlers: ForwardHandlers) => inner.forward({ ...request, path: restOfPath(route, request.path) }, handlers),
    close: () => inner.close(),
  };
}
