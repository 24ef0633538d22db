// What every request export shares: the URL to send to and the headers worth copying.

import type { HeaderPairs } from '../exchange.js';
import { joinBasePath } from '../forward/target.js';
import { stripHopByHop } from '../http-headers.js';
import { answeredHere } from '../routes/answered-here.js';
import { forwardedPath } from '../routes/forwarded-path.js';

// Headers the client computes itself from the connection and the body it sends.
const CLIENT_SET = new Set(['content-length', 'host']);

/** `baseUrl` (origin, optionally with a base path) followed by the recorded path and query, as the forwarder joins them. */
export function targetUrl(baseUrl: string, path: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  // The origin is scheme://host[:port]; what follows it is the base path (the root of the target is then `/`).
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(base)?.[0] ?? '';
  return origin + joinBasePath(base.slice(origin.length), path);
}

/**
 * Where to send the exchange's request again: `baseUrl` (--to) plus the path its route forwarded, else its own target
 * plus that path. An exchange hooktunnel answered itself (mock route, no route) has no target URL, so it gets the
 * public URL its sender used: absolute, so curl, HTTPie and HAR readers (`hooktunnel import`) can use it.
 */
export function requestUrl(e: { target: string; path: string; route?: string | null; url: string | null }, baseUrl?: string): string {
  if (baseUrl === undefined && answeredHere(e.target) && e.url) return e.url;
  return targetUrl(baseUrl ?? e.target, forwardedPath(e));
}

/** The recorded headers minus hop-by-hop ones and those the client sets itself; order and duplicates kept. */
export function headersToSend(headers: HeaderPairs): HeaderPairs {
  return stripHopByHop(headers).filter(([name]) => !CLIENT_SET.has(name.toLowerCase()));
}

