// What the exchange runner needs from whatever sends a request on: a plain Forwarder, or the routes of hooktunnel.yml.

import type { ForwardHandle, ForwardHandlers, ForwardRequest } from './forwarder.js';
import type { Target } from './target.js';

/** Where an exchange is recorded as going: the target URL (or `mock`) and the route that took it. */
export interface Destination {
  target: string;
  route: string | null;
}

export interface ForwardPort {
  /** The one target, or (with routes) the one shown where a single target is expected. */
  readonly target: Target;
  forward(request: ForwardRequest, handlers: ForwardHandlers): ForwardHandle;
  /** Where a request with this (public) path goes. Absent: `target.url`, no route. */
  destination?(path: string): Destination;
  close(): void;
}

/** The destination recorded for a path. */
export function destinationOf(port: ForwardPort, path: string): Destination {
  return port.destination?.(path) ?? { target: port.target.url, route: null };
}
