// What every request export shares: the URL to send to and the headers worth copying.

import type { HeaderPairs } from '../exchange.js';
import { stripHopByHop } from '../http-headers.js';
import { answeredHere } from '../routes/answered-here.js';
import { forwardedPath } from '../routes/forwarded-path.js';

// Headers the client computes itself from the connection and the body it sends.
const CLIENT_SET = new Set(['content-length', 'host']);

/** `baseUrl` (origin, optionally with a base path) followed by the recorded path and query. */
export function targetUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
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

