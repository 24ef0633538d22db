// The local target: parsed once from `listen 3000` or `listen http://127.0.0.1:8000/base`, fixed by the developer.

import { usageError } from '../errors.js';

export interface Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** Prefix for every forwarded path, without a trailing slash ('' for none). */
  basePath: string;
  /** origin + base path, for display and for the store. */
  url: string;
}

/** host:port or [v6]:port, then maybe a path: a target written without a scheme must name its port. */
const HOST_AND_PORT = /^(\[[^\]]*\]|[^/:?#[\]]*):\d+(?:[/?#]|$)/;
const USE = 'use a port like 3000, host:port like localhost:3000, or a URL like http://127.0.0.1:8000/base';

/** Accepts a port ("3000"), host:port ("localhost:3000") or an http(s) URL. */
export function parseTarget(value: string, flag = 'target'): Target {
  const text = value.trim();
  // A socket file (`unix:/run/app.sock`, `/tmp/app.sock`, as curl --unix-socket and some servers take): not a host, and
  // the usual hint would suggest nonsense like `tmp:80`.
  if (/^(unix:|\.{0,2}\/|~\/)/i.test(text)) {
    throw usageError(`${flag} "${value}" is a Unix socket or a path; hooktunnel forwards to TCP ports only`, `make the app listen on a port too, then ${USE.replace(/^use/, 'give')}`);
  }
  const hasScheme = /^[a-z]+:\/\//i.test(text);
  const withScheme = /^\d+$/.test(text) ? `http://localhost:${text}` : hasScheme ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usageError(`${flag} "${value}" is not a port or URL`, USE);
  }
  // "300o" or "app" would otherwise mean port 80 of a host by that name: almost always a typo.
  if (!hasScheme && !/^\d+$/.test(text) && !HOST_AND_PORT.test(text)) throw usageError(`${flag} "${value}" has no port`, `${USE}; for port 80 of a host, say so: ${url.hostname}:80`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${flag} "${value}" must be an http:// or https:// URL`);
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (!(port > 0 && port < 65536)) throw usageError(`${flag} "${value}" has no valid port (1-65535)`);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const basePath = url.pathname.replace(/\/+$/, '');
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return { protocol: url.protocol, hostname, port, basePath, url: `${url.protocol}//${host}:${port}${basePath}` };
}

/**
 * The path sent upstream: base path + the raw request path, concatenated as strings. Never resolved as a URL,
 * so `//169.254.169.254/x` or `/..%2f` stays a path on the target instead of choosing another host (SSRF).
 */
export function upstreamPath(target: Target, rawPath: string): string {
  return joinBasePath(target.basePath, rawPath);
}

/**
 * `/webhooks/stripe` + `/x` → `/webhooks/stripe/x`. The root (`/`, `/?q`) is the base path itself, not `/base/`: the
 * tunnel's bare URL (or a route's prefix) is the endpoint the developer named, as `stripe listen --forward-to
 * localhost:3000/webhooks/stripe` delivers to `/webhooks/stripe`. A trailing slash is another route to many
 * frameworks (Fastify, Hono: 404; Next.js, FastAPI: a redirect, which webhook senders do not follow).
 */
export function joinBasePath(basePath: string, rawPath: string): string {
  const path = rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
  if (basePath !== '' && (path === '/' || path.startsWith('/?'))) return basePath + path.slice(1);
  return basePath + path;
}

/** host[:port] as a Host header for the target. */
export function targetHost(target: Target): string {
  const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
  const defaultPort = target.protocol === 'https:' ? 443 : 80;
  return target.port === defaultPort ? host : `${host}:${target.port}`;
}
