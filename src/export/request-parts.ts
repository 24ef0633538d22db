// What every request export shares: the URL to send to and the headers worth copying.

import type { HeaderPairs } from '../exchange.js';
import { stripHopByHop } from '../http-headers.js';

// Headers the client computes itself from the connection and the body it sends.
const CLIENT_SET = new Set(['content-length', 'host']);

/** `baseUrl` (origin, optionally with a base path) followed by the recorded path and query. */
export function targetUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

/** The recorded headers minus hop-by-hop ones and those the client sets itself; order and duplicates kept. */
export function headersToSend(headers: HeaderPairs): HeaderPairs {
  return stripHopByHop(headers).filter(([name]) => !CLIENT_SET.has(name.toLowerCase()));
}

