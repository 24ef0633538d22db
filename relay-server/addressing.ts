// Where a request came from and which tunnel it is for: routing, public URLs, client IPs, forwarding headers.

import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv6 } from 'node:net';
import { CONNECT_PATH, type HeaderPairs } from '../src/protocol.js';
import { addConnectionTokens, dropsHeader } from '../src/http-headers.js';
import { HEALTH_PATH, METRICS_PATH } from './admin.js';
import type { RelayOptions } from './options.js';
import type { RequestHead } from './request-head.js';

export interface Addressing {
  /**
   * --public-url's path (`/hooks` for https://example.com/hooks), '' without one: the relay's own paths (/t/<id>,
   * /_hooktunnel/connect, /healthz) appear to senders and clients under it.
   */
  readonly basePath: string;
  /**
   * The request target as the relay serves it: `basePath` taken off. A proxy at a sub-path either passes the path on as
   * it came (nginx `proxy_pass http://127.0.0.1:8080;`) or strips its location (`proxy_pass http://127.0.0.1:8080/;`):
   * both work, since a target without the base path is left as it is.
   */
  relayPath(url: string): string;
  /** Which tunnel a request is for and the path to forward; null for the relay's own bare host. */
  route(req: IncomingMessage, head: RequestHead): { id: string; path: string } | null;
  /** The public URL of a tunnel, as the client that opens it should print it. */
  tunnelUrl(id: string, req: IncomingMessage): string;
  /** The full URL a sender used for this request. */
  requestUrl(id: string, req: IncomingMessage, head: RequestHead): string;
  /** The sender's address: the socket's, or the last hop a trusted proxy appended to X-Forwarded-For. */
  clientIp(req: IncomingMessage): string;
  /** A proxy's address when the request came through one (it carries X-Forwarded-For) that --trust-proxy does not name. */
  untrustedProxy(req: IncomingMessage): string | undefined;
  /** Headers for the client: hop-by-hop removed, X-Forwarded-* set (trusting incoming ones only from proxies). */
  forwardedHeaders(req: IncomingMessage, head: RequestHead): HeaderPairs;
}

/**
 * The first path segments of what the relay answers itself (/t/<id>, /_hooktunnel/connect, /healthz, /metrics). A
 * --public-url path starting with one could not be told from them once a proxy strips it, so `relay` refuses it.
 */
export const RELAY_OWN_SEGMENTS = ['t', ...[CONNECT_PATH, HEALTH_PATH, METRICS_PATH].map((path) => path.split('/')[1])];

/** "::ffff:127.0.0.1" (IPv4 on a dual-stack socket) is 127.0.0.1. */
/** Loopback and private networks: where a reverse proxy the operator runs in front of the relay sits. */
const OPERATOR_NETWORKS = new BlockList();
OPERATOR_NETWORKS.addSubnet('127.0.0.0', 8);
OPERATOR_NETWORKS.addSubnet('10.0.0.0', 8);
OPERATOR_NETWORKS.addSubnet('172.16.0.0', 12);
OPERATOR_NETWORKS.addSubnet('192.168.0.0', 16);
OPERATOR_NETWORKS.addAddress('::1', 'ipv6');
OPERATOR_NETWORKS.addSubnet('fc00::', 7, 'ipv6');

const plainIp = (address: string) => (address.startsWith('::ffff:') ? address.slice(7) : address);

const firstValue = (value: string | string[] | undefined) => String(value ?? '').split(',')[0].trim();

/** The values of the Connection headers in a flat rawHeaders list, lower-cased; undefined when there is none. */
function connectionNames(raw: string[]): Set<string> | undefined {
  let named: Set<string> | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length === 10 && raw[i].toLowerCase() === 'connection') named = addConnectionTokens(named, raw[i + 1]);
  }
  return named;
}

/** Starts with "x-forwarded-" in any case (checked on the first byte before lower-casing). */
const isForwarded = (name: string) => (name.charCodeAt(0) | 0x20) === 0x78 && name.length >= 12 && name.slice(0, 12).toLowerCase() === 'x-forwarded-';

export function createAddressing(options: RelayOptions, port: () => number): Addressing {
  const trusted = new Set((options.trustProxy ?? []).map(plainIp));
  const domainSuffix = options.domain ? `.${options.domain.toLowerCase()}` : undefined;

  const isTrusted = (req: IncomingMessage) => trusted.size > 0 && trusted.has(plainIp(req.socket.remoteAddress ?? ''));

  /** The scheme and host the sender used: from a trusted proxy's X-Forwarded-Proto, else from the socket. */
  function publicOrigin(req: IncomingMessage, head?: RequestHead): string {
    if (options.publicUrl) return publicUrl;
    const forwardedProto = head ? head.forwardedProto : req.headers['x-forwarded-proto'];
    const proto = (forwardedProto !== undefined && isTrusted(req) && firstValue(forwardedProto)) || 'http';
    return `${proto}://${(head ? head.host : req.headers.host) ?? ownHost()}`;
  }
  const publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  // Subdomain style puts every tunnel at the root of its own host: a path in --public-url has no part in it.
  const basePath = publicUrl && !options.domain && URL.canParse(publicUrl) ? new URL(publicUrl).pathname.replace(/\/+$/, '') : '';
  const ownHost = () => `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port()}`;

  function tunnelUrl(id: string, req: IncomingMessage): string {
    const origin = publicOrigin(req);
    if (!options.domain) return `${origin}/t/${id}`;
    // Any sender's Host goes into the origin: one no URL can hold (`app.hooks.example.com:99999`) must not throw here,
    // on the request path, where it would end the relay. The URL then goes without its port.
    const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
    const protocol = parsed ? parsed.protocol : origin.slice(0, origin.indexOf('://') + 1);
    return `${protocol}//${id}.${options.domain}${parsed?.port ? `:${parsed.port}` : ''}`;
  }

  return {
    basePath,
    relayPath(url) {
      if (!basePath || !url.startsWith(basePath)) return url;
      if (url.length === basePath.length) return '/';
      const next = url.charCodeAt(basePath.length);
      if (next === 0x2f) return url.slice(basePath.length);
      // `/hooks?x`: the root with a query.
      if (next === 0x3f) return `/${url.slice(basePath.length)}`;
      // `/hooksy`: another path that only starts alike.
      return url;
    },
    tunnelUrl,
    requestUrl: (id, req, head) => (domainSuffix ? `${tunnelUrl(id, req)}${req.url}` : `${publicOrigin(req, head)}${req.url}`),
    route(req, head) {
      const url = req.url ?? '/';
      if (domainSuffix) {
        const host = (head.host ?? '').toLowerCase().replace(/:\d+$/, '');
        if (host.endsWith(domainSuffix)) return { id: host.slice(0, -domainSuffix.length), path: url };
      }
      if (!url.startsWith('/t/')) return null;
      let cut = 3;
      while (cut < url.length && url.charCodeAt(cut) !== 0x2f && url.charCodeAt(cut) !== 0x3f) cut++;
      const id = url.slice(3, cut);
      if (cut === url.length) return { id, path: '/' };
      return { id, path: url.charCodeAt(cut) === 0x3f ? `/${url.slice(cut)}` : url.slice(cut) };
    },
    clientIp(req) {
      const socketIp = plainIp(req.socket.remoteAddress ?? '');
      if (!isTrusted(req)) return socketIp;
      const hops = String(req.headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      return hops.length ? plainIp(hops[hops.length - 1]) : socketIp;
    },
    untrustedProxy(req) {
      if (req.headers['x-forwarded-for'] === undefined || isTrusted(req)) return undefined;
      // Only a peer on this machine or a private network is a proxy the operator runs: anyone on the internet can send
      // X-Forwarded-For, and advice to trust them would let them choose the address the per-IP limits count.
      const peer = plainIp(req.socket.remoteAddress ?? '');
      return OPERATOR_NETWORKS.check(peer, isIPv6(peer) ? 'ipv6' : 'ipv4') ? peer : undefined;
    },
    // X-Forwarded-* as ngrok and frp set them (RFC 7239's de-facto forms). One pass over rawHeaders: the hot path.
    forwardedHeaders(req, head) {
      const trust = isTrusted(req);
      const raw = req.rawHeaders;
      const named = connectionNames(raw);
      const pairs: HeaderPairs = [];
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const name = raw[i];
        if (dropsHeader(name, named)) continue;
        // X-Forwarded-For is always rebuilt below; the other X-Forwarded-* pass only from a trusted proxy.
        if (isForwarded(name) && (!trust || (name.length === 15 && name.toLowerCase() === 'x-forwarded-for'))) continue;
        pairs.push([name, raw[i + 1]]);
      }
      const previous = trust ? head.forwardedFor : undefined;
      const address = req.socket.remoteAddress ?? '';
      pairs.push(['X-Forwarded-For', previous ? `${previous}, ${address}` : address]);
      if (!trust || !head.forwardedProto) pairs.push(['X-Forwarded-Proto', 'http']);
      if (!trust || !head.forwardedHost) pairs.push(['X-Forwarded-Host', head.host ?? '']);
      return pairs;
    },
  };
}
