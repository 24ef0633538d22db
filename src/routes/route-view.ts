// Routes as people and scripts read them: `listen`'s banner, `hooktunnel config check` and its --json.

import chalk from 'chalk';
import { formatDuration } from '../duration.js';
import { sanitize } from '../sanitize.js';
import type { Route } from './route-table.js';

export interface RouteView {
  prefix: string;
  mode: Route['mode'];
  /** The target URL, or what the mock answers. */
  target: string;
  /** ms; 0 waits forever; absent for a mock. */
  timeoutMs?: number;
  hostHeader?: string;
  mock?: { status: number; headers: [string, string][]; bodySize: number };
  where?: string;
}

function routeView(route: Route): RouteView {
  if (route.mode === 'mock') {
    const { status, headers, body } = route.mock;
    return { prefix: route.prefix, mode: 'mock', target: `mock ${status}`, mock: { status, headers, bodySize: body.length }, where: route.where };
  }
  const hostHeader = typeof route.hostHeader === 'string' ? route.hostHeader : `value ${route.hostHeader.value}`;
  return { prefix: route.prefix, mode: route.mode, target: route.target.url, timeoutMs: route.timeoutMs, hostHeader, where: route.where };
}

/** One aligned line per route, longest prefix first (the order they are tried in). */
/** The routes as they are matched: longest prefix first. */
export function routeViews(routes: Route[]): RouteView[] {
  return [...routes].sort((a, b) => b.prefix.length - a.prefix.length).map(routeView);
}

export function routeLines(routes: Route[], indent = ''): string[] {
  const views = routeViews(routes);
  const width = Math.max(...views.map((v) => v.prefix.length));
  return views.map((v) => {
    const extra = v.mode === 'mock' ? '' : chalk.dim(`  timeout ${v.timeoutMs === 0 ? 'none' : formatDuration(v.timeoutMs!)}, host ${sanitize(v.hostHeader!)}`);
    return `${indent}${sanitize(v.prefix.padEnd(width))}  ${v.mode.padEnd(7)} → ${sanitize(v.target)}${extra}`;
  });
}

/**
 * Where listen forwards, in one line, when a config's routes decide it: `3 routes (hooktunnel.yml)`. `from`: the
 * config as configSource() says it (`ci/hooks.yml`, `piped config /dev/fd/63`).
 */
export function routesLabel(routes: readonly unknown[], from = 'hooktunnel.yml'): string {
  return `${routes.length} route${routes.length === 1 ? '' : 's'} (${sanitize(from)})`;
}
