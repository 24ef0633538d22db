// The relay: one HTTP server that takes public webhook requests and tunnel clients' WebSocket connections.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CONNECT_PATH,
  decode,
  encode,
  MessageType,
  PROTOCOL_VERSION,
  SUPPORTED_VERSIONS,
  type HeaderPairs,
  type HelloMeta,
} from '../src/protocol.js';
import { stripHopByHop, toPairs } from '../src/http-headers.js';
import { sendError } from './error-page.js';
import { DEFAULT_LIMITS, type RelayLimits, type RelayOptions } from './options.js';
import { forwardPublicRequest } from './public-request.js';
import { TunnelConnection } from './tunnel-connection.js';
import { TunnelRegistry } from './tunnel-registry.js';

/** Marks relay responses so `listen` can tell an embedded relay from another program on its port. */
export const RELAY_SIGNATURE_HEADER = 'x-hooktunnel-relay';

export interface Relay {
  /** Binds and resolves with the base URL (http://host:port). */
  start(): Promise<string>;
  /** Stops accepting, disconnects clients, and resolves when the server is closed. Idempotent. */
  close(): Promise<void>;
  readonly port: number;
  readonly tunnelCount: number;
}

export function createRelay(options: RelayOptions): Relay {
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? (() => {});
  const registry = new TunnelRegistry(limits.resumeTtlMs);
  const trusted = new Set(options.trustProxy ?? []);
  const domainSuffix = options.domain ? `.${options.domain.toLowerCase()}` : undefined;

  const server: Server = createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
  });
  // One more than allowed, so "too many" is visible in rawHeaders instead of silently cut.
  server.maxHeadersCount = limits.maxHeaderCount + 1;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });

  server.on('request', handleRequest);
  server.on('upgrade', handleUpgrade);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const code = tooLarge ? 'headers_too_large' : 'bad_request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nX-Hooktunnel-Error: ${code}\r\nContent-Length: 0\r\n\r\n`);
  });

  function isTrusted(req: IncomingMessage): boolean {
    return trusted.size > 0 && trusted.has(req.socket.remoteAddress ?? '');
  }

  /** The scheme and host the sender used: from a trusted proxy's X-Forwarded-*, else from the socket. */
  function publicOrigin(req: IncomingMessage): string {
    if (options.publicUrl) return options.publicUrl.replace(/\/+$/, '');
    const forwardedProto = isTrusted(req) ? String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim() : '';
    const proto = forwardedProto || 'http';
    return `${proto}://${req.headers.host ?? `${options.host}:${port}`}`;
  }

  function tunnelUrl(id: string, req: IncomingMessage): string {
    const origin = publicOrigin(req);
    if (!options.domain) return `${origin}/t/${id}`;
    const { protocol, port } = new URL(origin);
    return `${protocol}//${id}.${options.domain}${port ? `:${port}` : ''}`;
  }

  /** Headers sent on to the client: hop-by-hop removed, forwarding headers set (RFC 7239's de-facto forms). */
  function forwardedHeaders(req: IncomingMessage): HeaderPairs {
    const trust = isTrusted(req);
    const pairs = stripHopByHop(toPairs(req.rawHeaders)).filter(([name]) => {
      return trust || !name.toLowerCase().startsWith('x-forwarded-');
    });
    const previous = trust ? req.headers['x-forwarded-for'] : undefined;
    const address = req.socket.remoteAddress ?? '';
    const withoutFor = pairs.filter(([name]) => name.toLowerCase() !== 'x-forwarded-for');
    withoutFor.push(['X-Forwarded-For', previous ? `${previous}, ${address}` : address]);
    if (!trust || !req.headers['x-forwarded-proto']) withoutFor.push(['X-Forwarded-Proto', 'http']);
    if (!trust || !req.headers['x-forwarded-host']) withoutFor.push(['X-Forwarded-Host', req.headers.host ?? '']);
    return withoutFor;
  }

  /** Which tunnel a request is for, and the path to forward; null for the relay's own bare host. */
  function route(req: IncomingMessage): { id: string; path: string } | null {
    const url = req.url ?? '/';
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (domainSuffix && host.endsWith(domainSuffix)) {
      return { id: host.slice(0, -domainSuffix.length), path: url };
    }
    if (!url.startsWith('/t/')) return null;
    const rest = url.slice(3);
    const cut = rest.search(/[/?]/);
    if (cut === -1) return { id: rest, path: '/' };
    const path = rest.slice(cut);
    return { id: rest.slice(0, cut), path: path.startsWith('?') ? `/${path}` : path };
  }

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const target = route(req);
    if (!target) return handleBareHost(req, res);
    if ((req.url ?? '').length > limits.maxUrlBytes) {
      return sendError(req, res, { code: 'uri_too_long', message: `URL longer than ${limits.maxUrlBytes} bytes` }, true);
    }
    if (req.rawHeaders.length / 2 > limits.maxHeaderCount) {
      return sendError(req, res, { code: 'headers_too_large', message: `more than ${limits.maxHeaderCount} headers` }, true);
    }
    const tunnel = registry.get(target.id);
    if (!tunnel) {
      return sendError(req, res, { code: 'tunnel_not_found', message: `no tunnel "${target.id}" is connected to this relay` }, true);
    }
    if (tunnel.inFlight >= limits.maxInFlightPerTunnel) {
      const message = `tunnel ${target.id} already has ${limits.maxInFlightPerTunnel} requests in flight`;
      return sendError(req, res, { code: 'tunnel_busy', message, retryAfterSeconds: 1 }, true);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limits.maxBodyBytes) {
      const message = `request body of ${declared} bytes exceeds the relay's limit of ${limits.maxBodyBytes} bytes`;
      return sendError(req, res, { code: 'body_too_large', message }, true);
    }
    forwardPublicRequest(tunnel, {
      req,
      res,
      path: target.path,
      headers: forwardedHeaders(req),
      url: domainSuffix ? `${tunnelUrl(target.id, req)}${req.url}` : `${publicOrigin(req)}${req.url}`,
      maxBodyBytes: limits.maxBodyBytes,
    });
  }

  function handleBareHost(req: IncomingMessage, res: ServerResponse): void {
    // Only on the relay's own answers: a tunneled response carries exactly the local app's headers.
    res.setHeader(RELAY_SIGNATURE_HEADER, String(PROTOCOL_VERSION));
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: true, tunnels: registry.size }) + '\n');
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('hooktunnel relay. Tunnels live under /t/<id>/. See `hooktunnel listen --help`.\n');
      return;
    }
    sendError(req, res, { code: 'tunnel_not_found', message: `nothing at ${path}; tunnel URLs look like /t/<id>/` }, !req.complete);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if ((req.url ?? '').split('?')[0] !== CONNECT_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => awaitHello(ws, req));
  }

  /** The first frame must be a valid HELLO within the handshake deadline. */
  function awaitHello(ws: WebSocket, req: IncomingMessage): void {
    const refuse = (code: string, message: string, fatal: boolean) => {
      ws.send(encode(MessageType.Refused, 0, { code, message, fatal }));
      ws.close(fatal ? 4001 : 4000, code);
    };
    const deadline = setTimeout(() => ws.terminate(), limits.handshakeTimeoutMs);
    ws.on('error', () => ws.terminate());
    ws.once('close', () => clearTimeout(deadline));
    ws.once('message', (data: Buffer, isBinary: boolean) => {
      clearTimeout(deadline);
      let hello: HelloMeta;
      try {
        const message = decode(data);
        if (!isBinary || message.type !== MessageType.Hello) throw new Error('the first message must be HELLO');
        hello = message.meta;
      } catch (error) {
        return refuse('protocol_error', `bad handshake: ${(error as Error).message}`, true);
      }
      if (!SUPPORTED_VERSIONS.includes(hello.version)) {
        const message = `this relay speaks protocol version ${SUPPORTED_VERSIONS.join(', ')}; the client speaks ${hello.version}. Use matching hooktunnel versions on both sides.`;
        return refuse('unsupported_version', message, true);
      }
      const claim = registry.claim(hello);
      if (!claim.ok) return refuse(claim.code, claim.message, claim.fatal);
      if (claim.displaced) claim.displaced.goAway(`another client took over tunnel ${claim.id}`, false);

      const url = tunnelUrl(claim.id, req);
      const connection = new TunnelConnection(claim.id, url, ws, hello.timeoutMs, (closed) => {
        registry.detach(closed);
        log(`tunnel ${closed.id} closed`);
      });
      registry.attach(connection, claim.resumeToken);
      connection.startHeartbeat(limits.heartbeatIntervalMs, limits.heartbeatTimeoutMs);
      ws.send(encode(MessageType.Welcome, 0, { tunnelId: claim.id, url, resumeToken: claim.resumeToken, maxBodyBytes: limits.maxBodyBytes }));
      log(`tunnel ${claim.id} opened from ${req.socket.remoteAddress} → ${url}`);
    });
  }

  let port = options.port;
  let closing: Promise<void> | undefined;
  return {
    get port() {
      return port;
    },
    get tunnelCount() {
      return registry.size;
    },
    start() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          const host = options.host.includes(':') ? `[${options.host}]` : options.host;
          resolve(`http://${host}:${port}`);
        });
      });
    },
    close() {
      closing ??= new Promise((resolve) => {
        for (const tunnel of registry.all()) tunnel.goAway('the relay is shutting down', true);
        for (const client of wss.clients) client.terminate();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
