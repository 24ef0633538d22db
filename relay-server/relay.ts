// The relay: one HTTP server that takes public webhook requests and tunnel clients' WebSocket connections.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CONNECT_PATH, PROTOCOL_VERSION, RELAY_SIGNATURE_HEADER } from '../src/protocol.js';
import { handleAdmin, type AdminState } from './admin.js';
import { createAddressing } from './addressing.js';
import { createCluster } from './cluster/cluster.js';
import { HOP_HEADER } from './cluster/cluster-options.js';
import { isLingering, rejectSocket, sendError, type ErrorAnswer } from './error-page.js';
import { TunnelGate } from './handshake.js';
import { RelayMetrics } from './metrics.js';
import { DEFAULT_LIMITS, type RelayLimits, type RelayOptions } from './options.js';
import { deliveryIdSource } from './delivery-id.js';
import { failTunnelled, forwardPublicRequest, type OnClosed } from './public-request.js';
import { RelayQueue } from './relay-queue.js';
import { scanHead, type RequestHead } from './request-head.js';
import type { TunnelConnection } from './tunnel-connection.js';
import { TunnelRegistry } from './tunnel-registry.js';

export const EMBEDDED_SIGNATURE_SUFFIX = '; embedded';

export interface Relay {
  /** Binds (and the admin port, if any) and resolves with the base URL (http://host:port). */
  start(): Promise<string>;
  /**
   * Graceful stop (SIGTERM): in-flight requests get limits.drainTimeoutMs, then close(). New requests are queued (202)
   * where the relay has a durable queue that can take them, else 503 with Retry-After.
   */
  drain(): Promise<void>;
  /** Stops now: tells clients to reconnect elsewhere, cuts every connection. Idempotent; cuts a drain short. */
  close(): Promise<void>;
  readonly port: number;
  readonly adminPort: number | undefined;
  readonly tunnelCount: number;
}

/** Binds port and host, or serves on an inherited listening socket (fd); resolves with the address it serves on. */
function listen(server: Server, port: number, host: string, fd?: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    };
    if (fd === undefined) server.listen(port, host, listening);
    else server.listen({ fd }, listening);
  });
}

export function createRelay(options: RelayOptions): Relay {
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? (() => {});
  const cluster = options.cluster && createCluster(options.cluster, { limits, queueSettings: options.queueSettings, log, isDraining: () => draining });
  const registry = new TunnelRegistry(limits.resumeTtlMs, cluster ? cluster.resume : options.resume);
  cluster?.bind(registry);
  const nextDeliveryId = deliveryIdSource();
  const metrics = new RelayMetrics();
  const queueing = cluster ? cluster.queueing : options.queue && new RelayQueue(options.queue, options.queueSettings, registry, log);
  const addressing = createAddressing(options, () => port);
  let port = options.port;
  let adminPort: number | undefined;
  let draining = false;
  /** Queued rather than live: the client is away, acknowledges the path, or the relay is draining (see RelayQueue.takes). */
  const queued = (tunnel: TunnelConnection | undefined, path: string) => queueing !== undefined && (draining || queueing.takes(tunnel, path));
  const signature = `${PROTOCOL_VERSION}${options.embedded ? EMBEDDED_SIGNATURE_SUFFIX : ''}`;
  let active = 0;
  let onIdle: (() => void) | undefined;

  // A backstop only: the exact 431/414 come from our own counts below, so Node's (inexact) limit sits above them.
  const nodeHeadLimit = limits.maxHeaderBytes + limits.maxUrlBytes + 1024;
  const server: Server = createServer({
    maxHeaderSize: nodeHeadLimit,
    headersTimeout: limits.requestTimeoutMs > 0 ? Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) : limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node checks those timeouts every 30 s by default, which would let a slowloris hold a socket 3× longer.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, limits.headersTimeoutMs / 10)),
    // Node would answer an HTTP/1.1 request without Host with a bare 400 of its own; handleRequest answers it, marked.
    requireHostHeader: false,
  });
  // One more than allowed, so "too many" is visible in rawHeaders instead of silently cut.
  server.maxHeadersCount = limits.maxHeaderCount + 1;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, perMessageDeflate: false });
  // The 101 says "hooktunnel relay" too: `hooktunnel login` checks a token with an upgrade and nothing more.
  wss.on('headers', (headers) => headers.push(`${RELAY_SIGNATURE_HEADER}: ${signature}`));
  const gate = new TunnelGate({
    limits,
    auth: options.auth,
    requireToken: options.requireToken ?? false,
    registry,
    addressing,
    metrics,
    wss,
    isDraining: () => draining,
    log,
    queueing: queueing !== undefined,
    onOpen: (connection) => queueing?.open(connection),
    clusterClaim: cluster && ((hello, tokenKey) => cluster.claim(hello, tokenKey)),
  });
  const adminState: AdminState = {
    metrics,
    tunnelCount: () => registry.size,
    isDraining: () => draining,
    queued: queueing && (() => queueing.totals()),
    cluster: cluster && { health: () => cluster.health(), metrics: () => cluster.metrics() },
  };
  const admin = options.adminPort === undefined ? undefined : createServer((req, res) => {
    if (!handleAdmin(req, res, adminState)) sendError(req, res, { code: 'tunnel_not_found', message: 'the admin port serves /healthz and /metrics' });
  });

  server.on('request', handleRequest);
  // `Expect: 100-continue` (curl asks it for bodies over 1 MiB): Node would say "go on" at once; the relay says it only
  // once the request passes the checks it can make at once (known tunnel, size, rate, in-flight), so a request refused
  // by them is not uploaded for nothing. (A cluster node asking Redis, and the queue's byte cap, decide later.)
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => handleRequest(req, res, true));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    req.url = addressing.relayPath(req.url ?? '/');
    try {
      gate.handleUpgrade(req, socket, head);
    } catch (error) {
      // The token store failed (disk, lock): refuse this client, keep serving the others.
      log(`upgrade failed: ${(error as Error).message}`);
      socket.destroy();
    }
  });
  // What Node would answer itself (a bare 417 for an Expect it does not know; a CONNECT's connection closed without a
  // word) gets the relay's error shape instead, with its X-Hooktunnel-Error code.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    // As for a refused `Expect: 100-continue`: the sender may be holding its body back, so the connection ends here.
    res.setHeader('Connection', 'close');
    sendError(req, res, { code: 'expectation_failed', message: `the relay cannot meet "Expect: ${String(req.headers.expect).slice(0, 100)}"` });
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    rejectSocket(socket, req.headers.accept, { code: 'method_not_supported', message: 'the relay does not take CONNECT requests' });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const res = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    // As Node's default handler: answer only if no response has started on this socket.
    if (res?.headersSent || isLingering(socket)) return socket.destroy();
    if (res && !res.req.complete && error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      // The head was read and routed; the body did not come within --request-timeout. Answered through the request's
      // own response, so its client records the 408 the sender gets (not "sender gone") and /metrics counts it.
      res.shouldKeepAlive = false;
      const answer: ErrorAnswer = { code: 'request_timeout', message: `the request body did not arrive within ${limits.requestTimeoutMs / 1000} s` };
      if (!failTunnelled(res, answer)) sendError(res.req, res, answer);
      return;
    }
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      // Node counts the request line and the header lines together, and the bytes in hand when it stops may be the
      // middle of either (a long URL arriving in pieces looks like a long header value): 431 for both, naming both.
      const message = `request line and headers together larger than ${nodeHeadLimit} bytes`;
      return rejectSocket(socket, undefined, { code: 'headers_too_large', message, hint: 'Send a shorter URL or fewer and smaller headers, or raise the relay\'s --max-url / --max-header-size.' });
    }
    const code = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'bad_request';
    rejectSocket(socket, undefined, { code, message: code === 'bad_request' ? 'malformed HTTP request' : `request head: ${error.message}` });
  });

  /** Why a public request cannot go through, if it cannot (checked in the order a sender can fix them). */
  function refusal(req: IncomingMessage, head: RequestHead, id: string, tunnel: TunnelConnection | undefined, toQueue: boolean): ErrorAnswer | undefined {
    // With a queue, a draining relay still takes requests (see RelayQueue.drain); without one, senders come back later.
    if (draining && !queueing) return { code: 'relay_draining', message: 'the relay is shutting down', retryAfterSeconds: 5 };
    if ((req.url ?? '').length > limits.maxUrlBytes) return { code: 'uri_too_long', message: `URL longer than ${limits.maxUrlBytes} bytes` };
    // Counted on rawHeaders: Node's maxHeadersCount would silently drop extras, its byte count is not exact.
    if (head.count > limits.maxHeaderCount) return { code: 'headers_too_large', message: `more than ${limits.maxHeaderCount} headers` };
    if (head.bytes > limits.maxHeaderBytes) return { code: 'headers_too_large', message: `headers larger than ${limits.maxHeaderBytes} bytes` };
    // A clustered node asks Redis about a tunnel it does not hold (cluster.elsewhere).
    if (!tunnel && !cluster) {
      if (!gate.isKnown(id)) return { code: 'tunnel_not_found', message: `no tunnel "${id}" is connected to this relay` };
      // Away, but known: the queue takes it (202), or the sender retries later.
      if (!queueing) return { code: 'tunnel_offline', message: `tunnel "${id}" is not connected right now`, retryAfterSeconds: 30 };
    }
    const waitMs = tunnel?.bucket?.take() ?? 0;
    if (waitMs > 0) return { code: 'rate_limited', message: `tunnel ${id} gets more than ${limits.ratePerSecond} requests a second`, retryAfterSeconds: Math.ceil(waitMs / 1000) };
    if (tunnel && !toQueue && tunnel.inFlight >= limits.maxInFlightPerTunnel) {
      return { code: 'tunnel_busy', message: `tunnel ${id} already has ${limits.maxInFlightPerTunnel} requests in flight`, retryAfterSeconds: 1 };
    }
    // Node de-chunks `gzip, chunked` and hands on the still-compressed bytes; the app and the recording would get them
    // with no header saying they are coded (RFC 9112 §6.1: 501 for a coding the server does not do).
    if (head.transferEncoding !== undefined && !onlyChunked(head.transferEncoding)) {
      return { code: 'unsupported_transfer_coding', message: `Transfer-Encoding "${head.transferEncoding}" is not supported; only chunked is` };
    }
    const declared = Number(head.contentLength ?? 0);
    if (declared > limits.maxBodyBytes) {
      return { code: 'body_too_large', message: `request body of ${declared} bytes exceeds the relay's limit of ${limits.maxBodyBytes} bytes` };
    }
    return undefined;
  }

  /** Every routed request ends here when its sender's connection closes: metrics, and the count a drain waits on. */
  const closed: OnClosed = (res, started, bytesIn, bytesOut) => {
    metrics.request(res.headersSent ? res.statusCode : 499, performance.now() - started, bytesIn, bytesOut);
    if (--active === 0) onIdle?.();
  };

  function handleRequest(req: IncomingMessage, res: ServerResponse, expectsContinue = false): void {
    // Rewritten once, here: routing, the public URL of the request and the relay's own pages all see the path as the
    // relay serves it, whether a proxy at --public-url's sub-path passed that path on or stripped it.
    req.url = addressing.relayPath(req.url ?? '/');
    const head = scanHead(req.rawHeaders);
    // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host (HTTP/1.0 may leave it out). Not to
    // a hop: the node passing it on speaks HTTP/1.1 for a sender that may have used 1.0 (a forged hop is refused below).
    if (head.host === undefined && req.httpVersion === '1.1' && req.headers[HOP_HEADER] === undefined) {
      return sendError(req, res, { code: 'bad_request', message: 'an HTTP/1.1 request without a Host header', hint: 'Send the Host header (HTTP/1.1 requires it).' }, !req.complete);
    }
    const target = addressing.route(req, head);
    if (!target) return handleBareHost(req, res);
    const started = performance.now();
    active++;
    // A proxy's kept-alive connection would go on carrying requests to a relay about to close it: end each one after its answer.
    if (draining) res.setHeader('Connection', 'close');
    const tunnel = registry.get(target.id);
    const hop = cluster?.inbound(req);
    if (hop === 'forged') {
      res.once('close', () => closed(res, started, 0, 0));
      // Checked before any "go on": a sender posing as a node does not upload its body for a 401.
      if (expectsContinue) res.setHeader('Connection', 'close');
      return sendError(req, res, { code: 'unauthorized', message: 'a node-to-node request with the wrong cluster secret' }, !expectsContinue);
    }
    if (hop && expectsContinue) {
      // A hop from another node: that node sends the body only after this "go on", and takes its absence (this node
      // frozen, or cut off) as a node that did not take the request. Said at once, before any check.
      res.writeContinue();
      expectsContinue = false;
    }
    // Worked out once: the queue takes it (away, draining, or an acknowledged path) or it is forwarded.
    const toQueue = queued(tunnel, target.path);
    const refused = refusal(req, head, target.id, tunnel, toQueue);
    if (refused) {
      res.once('close', () => closed(res, started, 0, 0));
      // Never told to go on, the sender keeps its body: the connection ends with the answer (the bytes that follow
      // could be that body after all, or a next request).
      if (expectsContinue) res.setHeader('Connection', 'close');
      return sendError(req, res, refused, !expectsContinue);
    }
    if (expectsContinue) res.writeContinue();
    const { id: tunnelId, path } = target;
    const deliveryId = nextDeliveryId();
    const method = req.method ?? 'GET';
    // Passed on by another node: it already set X-Forwarded-* from the sender's connection.
    const headers = hop ? hop.headers : addressing.forwardedHeaders(req, head);
    const url = hop ? hop.url : addressing.requestUrl(tunnelId, req, head);
    if (!tunnel && cluster) {
      const traffic = { in: 0, out: 0 };
      res.once('close', () => closed(res, started, traffic.in, traffic.out));
      return cluster.elsewhere(req, res, { tunnelId, deliveryId, method, path, headers, url }, hop !== undefined, traffic);
    }
    if (toQueue && queueing) {
      let bytesIn = 0;
      res.once('close', () => closed(res, started, bytesIn, 0));
      queueing.accept(req, res, { tunnelId, deliveryId, method, path, headers, url }, tunnel, limits.maxBodyBytes, (bytes) => (bytesIn = bytes));
      return;
    }
    const request = { tunnelId, deliveryId, method, path, headers, url, req, res, contentLength: head.contentLength, maxBodyBytes: limits.maxBodyBytes, slowReaderTimeoutMs: limits.slowReaderTimeoutMs, started, requeue: queueing?.requeue };
    forwardPublicRequest(tunnel!, request, closed);
  }

  function handleBareHost(req: IncomingMessage, res: ServerResponse): void {
    // Only on the relay's own answers: a tunneled response carries exactly the local app's headers.
    res.setHeader(RELAY_SIGNATURE_HEADER, signature);
    if (!admin && handleAdmin(req, res, adminState)) return;
    if (cluster?.identify(req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`hooktunnel relay. Tunnels live under ${addressing.basePath}/t/<id>/. See \`hooktunnel listen --help\`.\n`);
      return;
    }
    if (path === CONNECT_PATH) {
      // A client's handshake that lost its Upgrade header on the way: a proxy in front that does not pass it on.
      res.setHeader('Upgrade', 'websocket');
      const message = `${CONNECT_PATH} is where tunnel clients connect, with "Upgrade: websocket", which this request came without`;
      return sendError(req, res, { code: 'upgrade_required', message }, !req.complete);
    }
    const base = addressing.basePath;
    sendError(req, res, { code: 'tunnel_not_found', message: `nothing at ${base}${path}; tunnel URLs look like ${base}/t/<id>/` }, !req.complete);
  }

  /** Resolves when every tunnel client has closed its side, or after timeoutMs. */
  function clientsClosed(timeoutMs: number): Promise<void> {
    const open = [...wss.clients];
    return new Promise((resolve) => {
      let left = open.length;
      if (left === 0) return resolve();
      const timer = setTimeout(resolve, timeoutMs);
      for (const client of open) {
        client.once('close', () => {
          if (--left > 0) return;
          clearTimeout(timer);
          resolve();
        });
      }
    });
  }

  const closeServer = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });

  /**
   * Resolves once no routed request is in flight, or after ms, or at once when close() (a second signal) cuts the wait
   * short. The one wait of a drain: for the requests in flight when it began, and for those that came in meanwhile.
   */
  const untilIdle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (active === 0 || ms <= 0) return resolve();
      const timer = setTimeout(resolve, ms);
      onIdle = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  let drainDeadline = 0;
  let recheckTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let drained: Promise<void> | undefined;

  function shutdown(graceful: boolean): Promise<void> {
    stopping ??= (async () => {
      draining = true;
      clearInterval(recheckTimer);
      queueing?.close();
      for (const tunnel of [...registry.all()]) tunnel.goAway('the relay is restarting', true);
      // GOAWAY needs a moment to reach the clients; an immediate close does not wait for it.
      if (graceful) await clientsClosed(1_000);
      const cut = clientsClosed(1_000);
      for (const client of wss.clients) client.terminate();
      // Their in-flight requests are queued (and the senders told 202) while the server and the queue are still open.
      await cut;
      // Stop taking connections (idle kept-alive ones close now). Requests that came in after the drain itself ended, on
      // a proxy's kept-alive connection, may still be arriving: they get what is left of --drain-timeout to finish rather
      // than being cut off mid-body, which the proxy would answer its sender with a 502.
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (graceful && active > 0) {
        const left = Math.max(0, Math.ceil((drainDeadline - Date.now()) / 1000));
        log(`stopping: ${active} request${active === 1 ? '' : 's'} that came in meanwhile still in flight, up to ${left} s`);
        await untilIdle(drainDeadline - Date.now());
      }
      server.closeAllConnections();
      await Promise.all([serverClosed, admin?.listening ? closeServer(admin) : undefined]);
      await cluster?.close();
    })();
    return stopping;
  }

  return {
    get port() {
      return port;
    },
    get adminPort() {
      return adminPort;
    },
    get tunnelCount() {
      return registry.size;
    },
    async start() {
      await cluster?.start();
      const bound = await listen(server, options.port, options.host, options.listenFd);
      port = bound.port;
      registry.adoptEarlierTunnels();
      if (admin) adminPort = (await listen(admin, options.adminPort!, options.adminHost ?? '127.0.0.1')).port;
      if (options.auth || options.requireToken) {
        recheckTimer = setInterval(() => {
          try {
            gate.recheckTokens();
          } catch (error) {
            log(`token check failed: ${(error as Error).message}`);
          }
        }, options.tokenRecheckMs ?? 2_000);
        recheckTimer.unref();
      }
      queueing?.start();
      // Not awaited: the node serves meanwhile, and a wrong --node-url is a log line, not a reason to stop.
      void cluster?.checkNodeUrl();
      const address = options.listenFd === undefined ? options.host : bound.address;
      const host = address.includes(':') ? `[${address}]` : address;
      return `http://${host}:${port}`;
    },
    drain() {
      if (stopping) return stopping;
      if (!drained) {
        draining = true;
        drainDeadline = Date.now() + limits.drainTimeoutMs;
        log(`draining: ${active} request${active === 1 ? '' : 's'} in flight, up to ${limits.drainTimeoutMs / 1000} s`);
        drained = untilIdle(limits.drainTimeoutMs).then(() => shutdown(true));
      }
      return drained;
    },
    close() {
      const stopped = shutdown(false);
      onIdle?.();
      return stopped;
    },
  };
}

/** Is this Transfer-Encoding exactly `chunked`, once (RFC 9112 §6.1: chunked must not be applied twice)? */
function onlyChunked(value: string): boolean {
  return value.trim().toLowerCase() === 'chunked';
}
