// Routes from hooktunnel.yml: which route takes a request (longest path prefix, on segment boundaries) and the path
// the route's target gets (the rest after the prefix). Pure: no I/O.

import type { HostHeaderMode } from '../forward/forwarder.js';
import type { Target } from '../forward/target.js';
import type { HeaderPairs } from '../protocol.js';

/** A fixed answer, recorded like any other exchange. */
export interface MockAnswer {
  status: number;
  headers: HeaderPairs;
  body: Buffer;
}

interface RouteBase {
  /** Path prefix, `/` or `/a/b` without a trailing slash. */
  prefix: string;
  /** Where in the config file it was written, for messages: `hooktunnel.yml:12:3`. */
  where?: string;
}

/** forward: to a local app now; ack: the relay answers at once and the request is delivered with retries. */
export interface ForwardRoute extends RouteBase {
  mode: 'forward' | 'ack';
  target: Target;
  timeoutMs: number;
  hostHeader: HostHeaderMode;
}

export interface MockRoute extends RouteBase {
  mode: 'mock';
  mock: MockAnswer;
}

export type Route = ForwardRoute | MockRoute;

/** `/stripe/`, `/stripe` → `/stripe`; `/` stays. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Does the prefix take this path? `/stripe` takes `/stripe`, `/stripe/x`, `/stripe?x`, not `/stripes`. */
export function prefixTakes(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  if (!path.startsWith(prefix)) return false;
  const next = path[prefix.length];
  return next === undefined || next === '/' || next === '?';
}

/** The route for a path: the longest prefix that takes it, or undefined. */
export function resolveRoute<R extends { prefix: string }>(routes: R[], path: string): R | undefined {
  let best: R | undefined;
  for (const route of routes) if (prefixTakes(route.prefix, path) && (!best || route.prefix.length > best.prefix.length)) best = route;
  return best;
}

/**
 * The path the route's target gets: what follows the prefix, always starting with `/` (`/stripe?x=1` → `/?x=1`).
 * The target's own base path is added by the forwarder.
 */
export function restOfPath(prefix: string, path: string): string {
  const rest = prefix === '/' ? path : path.slice(prefix.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** Two prefixes that are the same route once normalised (`/a` and `/a/`): the first pair found, if any. */
export function findOverlap<R extends { prefix: string; where?: string }>(routes: R[]): [R, R] | undefined {
  const seen = new Map<string, R>();
  for (const route of routes) {
    const key = normalizePrefix(route.prefix);
    const earlier = seen.get(key);
    if (earlier) return [earlier, route];
    seen.set(key, route);
  }
  return undefined;
}
