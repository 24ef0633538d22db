// Where a request came from and which tunnel it is for: routing, public URLs, client IPs, forwarding headers.

import type { IncomingMessage } from 'node:http';
import type { HeaderPairs } from '../src/protocol.js';
import { stripHopByHop, toPairs } from '../src/http-headers.js';
import type { RelayOptions } from './options.js';

export interface Addressing {
  /** Which tunnel a request is for and the path to forward; null for the relay's own bare host. */
  route(req: IncomingMessage): { id: string; path: string } | null;
  /** The public URL of a tunnel, as the client that opens it should print it. */
  tunnelUrl(id: string, req: IncomingMessage): string;
  /** The full URL a sender used for this request. */
  requestUrl(id: string, req: IncomingMessage): string;
  /** The sender's address: the socket's, or the last hop a trusted proxy appended to X-Forwarded-For. */
  clientIp(req: IncomingMessage): string;
  /** Headers for the client: hop-by-hop removed, X-Forwarded-* set (trusting incoming ones only from proxies). */
  forwardedHeaders(req: IncomingMessage): HeaderPairs;
}

/** "::ffff:127.0.0.1" (IPv4 on a dual-stack socket) is 127.0.0.1. */
const plainIp = (address: string) => (address.startsWith('::ffff:') ? address.slice(7) : address);

const firstValue = (value: string | string[] | undefined) => String(value ?? '').split(',')[0].trim();

export function createAddressing(options: RelayOptions, port: () => number): Addressing {
  const trusted = new Set((options.trustProxy ?? []).map(plainIp));
  const domainSuffix = options.domain ? `.${options.domain.toLowerCase()}` : undefined;

  const isTrusted = (req: IncomingMessage) => trusted.size > 0 && trusted.has(plainIp(req.socket.remoteAddress ?? ''));

  /** The scheme and host the sender used: from a trusted proxy's X-Forwarded-Proto, else from the socket. */
  function publicOrigin(req: IncomingMessage): string {
    if (options.publicUrl) return options.publicUrl.replace(/\/+$/, '');
    const proto = (isTrusted(req) && firstValue(req.headers['x-forwarded-proto'])) || 'http';
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    return `${proto}://${req.headers.host ?? `${host}:${port()}`}`;
  }

  function tunnelUrl(id: string, req: IncomingMessage): string {
    const origin = publicOrigin(req);
    if (!options.domain) return `${origin}/t/${id}`;
    const { protocol, port: originPort } = new URL(origin);
    return `${protocol}//${id}.${options.domain}${originPort ? `:${originPort}` : ''}`;
  }

  return {
    tunnelUrl,
    requestUrl: (id, req) => (domainSuffix ? `${tunnelUrl(id, req)}${req.url}` : `${publicOrigin(req)}${req.url}`),
    route(req) {
      const url = req.url ?? '/';
      const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
      if (domainSuffix && host.endsWith(domainSuffix)) return { id: host.slice(0, -domainSuffix.length), path: url };
      if (!url.startsWith('/t/')) return null;
      const rest = url.slice(3);
      const cut = rest.search(/[/?]/);
      if (cut === -1) return { id: rest, path: '/' };
      const path = rest.slice(cut);
      return { id: rest.slice(0, cut), path: path.startsWith('?') ? `/${path}` : path };
    },
    clientIp(req) {
      const socketIp = plainIp(req.socket.remoteAddress ?? '');
      if (!isTrusted(req)) return socketIp;
      const hops = String(req.headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      return hops.length ? plainIp(hops[hops.length - 1]) : socketIp;
    },
    // X-Forwarded-* as ngrok and frp set them (RFC 7239's de-facto forms).
    forwardedHeaders(req) {
      const trust = isTrusted(req);
      const pairs = stripHopByHop(toPairs(req.rawHeaders)).filter(([name]) => {
        const lower = name.toLowerCase();
        return lower !== 'x-forwarded-for' && (trust || !lower.startsWith('x-forwarded-'));
      });
      const previous = trust ? req.headers['x-forwarded-for'] : undefined;
      const address = req.socket.remoteAddress ?? '';
      pairs.push(['X-Forwarded-For', previous ? `${previous}, ${address}` : address]);
      if (!trust || !req.headers['x-forwarded-proto']) pairs.push(['X-Forwarded-Proto', 'http']);
      if (!trust || !req.headers['x-forwarded-host']) pairs.push(['X-Forwarded-Host', req.headers.host ?? '']);
      return pairs;
    },
  };
}
