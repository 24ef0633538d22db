// The door for tunnel clients: limits and the token check at the WebSocket upgrade, then HELLO, names, and WELCOME.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { CONNECT_PATH, decode, encode, MessageType, SUPPORTED_VERSIONS, type HelloMeta } from '../src/protocol.js';
import type { Addressing } from './addressing.js';
import { bearerToken, matchToken, type RelayAuthStore, type TokenRecord } from './auth.js';
import { rejectSocket, type ErrorAnswer } from './error-page.js';
import type { RelayMetrics } from './metrics.js';
import type { RelayLimits } from './options.js';
import { FailureLimiter, PerIpCounter, TokenBucket } from './rate-limit.js';
import { TunnelConnection } from './tunnel-connection.js';
import { anotherClientsId, type Claim, type TunnelRegistry } from './tunnel-registry.js';

export interface GateDeps {
  limits: RelayLimits;
  auth: RelayAuthStore | undefined;
  requireToken: boolean;
  registry: TunnelRegistry;
  addressing: Addressing;
  metrics: RelayMetrics;
  wss: WebSocketServer;
  isDraining: () => boolean;
  log: (line: string) => void;
  /** The relay has a durable queue (needed for acknowledge mode). */
  queueing: boolean;
  /** A tunnel was welcomed: its queued deliveries may go out now. */
  onOpen?: (connection: TunnelConnection) => void;
  /** A clustered node decides the id against Redis (relay-server/cluster/); a single relay decides it here. */
  clusterClaim?: (hello: HelloMeta, tokenKey: string | undefined) => Promise<Claim>;
}

type Authenticated = { ok: true; record?: TokenRecord } | { ok: false; message: string };

/** Proxies named in the log as missing from --trust-proxy, at most. */
const MAX_PROXIES_NOTED = 16;

export class TunnelGate {
  private readonly failures: FailureLimiter;
  private readonly pending = new PerIpCounter();
  /** Proxies already named in the log as missing from --trust-proxy. */
  private readonly untrustedProxies = new Set<string>();
  /** Once any token exists the relay stays closed to anonymous clients, even if every token is revoked later. */
  private authRequired: boolean;
  /** A clustered node's claims of each name still being decided or welcomed, the last one first (see inTurn). */
  private readonly naming = new Map<string, Promise<void>>();

  constructor(private readonly deps: GateDeps) {
    this.failures = new FailureLimiter(deps.limits.maxAuthFailures, deps.limits.authWindowMs);
    this.authRequired = deps.requireToken;
  }

  /** Checked before the upgrade completes, so refusals are plain HTTP statuses (401, 429, 503) the client can show. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { limits, addressing } = this.deps;
    const reject = (answer: ErrorAnswer, extra?: [string, string][]) => rejectSocket(socket, req.headers.accept, answer, extra);
    const path = (req.url ?? '').split('?')[0];
    if (path !== CONNECT_PATH) return reject({ code: 'tunnel_not_found', message: `no WebSocket endpoint at ${path}; tunnel clients connect to ${CONNECT_PATH}` });
    if (this.deps.isDraining()) return reject({ code: 'relay_draining', message: 'the relay is shutting down', retryAfterSeconds: 5 });

    const ip = addressing.clientIp(req);
    this.noteUntrustedProxy(req);
    const blockedMs = this.failures.blockedFor(ip);
    if (blockedMs > 0) {
      return reject({ code: 'rate_limited', message: `too many failed token checks from ${ip}`, retryAfterSeconds: Math.ceil(blockedMs / 1000) });
    }
    if (this.pending.get(ip) >= limits.maxPendingPerIp) {
      return reject({ code: 'rate_limited', message: `too many connections from ${ip} are still in their handshake`, retryAfterSeconds: 1 });
    }
    const auth = this.authenticate(req);
    if (!auth.ok) {
      this.failures.fail(ip);
      this.deps.metrics.authFailure();
      this.deps.log(`refused a tunnel client from ${ip}: ${auth.message}`);
      return reject({ code: 'unauthorized', message: auth.message }, [['WWW-Authenticate', 'Bearer']]);
    }
    this.deps.wss.handleUpgrade(req, socket, head, (ws) => this.awaitHello(ws, req, ip, auth.record));
  }

  /**
   * Tunnel clients behind a proxy --trust-proxy does not name all look like that proxy to the per-IP limits: a few wrong
   * tokens from any of them (a CI job with a stale one) lock every one of them out. Said once per proxy, for the operator.
   */
  private noteUntrustedProxy(req: IncomingMessage): void {
    const proxy = this.deps.addressing.untrustedProxy(req);
    // A handful of proxies at most: the set stays small whatever addresses a sender uses.
    if (proxy === undefined || this.untrustedProxies.has(proxy) || this.untrustedProxies.size >= MAX_PROXIES_NOTED) return;
    this.untrustedProxies.add(proxy);
    const { maxAuthFailures, authWindowMs } = this.deps.limits;
    this.deps.log(
      `tunnel clients come through a proxy at ${proxy} (X-Forwarded-For) that --trust-proxy does not name: the relay sees every one of them as ${proxy}, ` +
        `so ${maxAuthFailures} wrong tokens from any of them lock all of them out for ${authWindowMs / 1000} s; start the relay with --trust-proxy ${proxy}`,
    );
  }

  /** Closes live tunnels whose token was revoked (or that have none, once the relay requires one). */
  recheckTokens(): void {
    const records = this.deps.auth?.tokens() ?? [];
    if (records.length > 0) this.authRequired = true;
    if (!this.authRequired) return;
    const valid = new Set(records.map((record) => record.digest.toString('hex')));
    for (const tunnel of [...this.deps.registry.all()]) {
      if (tunnel.tokenKey && valid.has(tunnel.tokenKey)) continue;
      const reason = tunnel.tokenKey ? 'the token of this tunnel was revoked on the relay' : 'this relay now requires a token';
      // Logged once, as the tunnel closes (see TunnelConnection.closeReason).
      tunnel.refuse('unauthorized', reason, true);
    }
  }

  /** A reserved name, or an id whose client was connected recently: its senders get 503, not 404. */
  isKnown(id: string): boolean {
    return this.deps.registry.knows(id) || (this.authRequired && this.deps.auth?.nameOwner(id) !== undefined);
  }

  private authenticate(req: IncomingMessage): Authenticated {
    const records = this.deps.auth?.tokens() ?? [];
    if (records.length > 0) this.authRequired = true;
    if (!this.authRequired) return { ok: true };
    const token = bearerToken(req.headers.authorization);
    if (!token) return { ok: false, message: 'this relay requires a token and none was sent' };
    const record = matchToken(token, records);
    return record ? { ok: true, record } : { ok: false, message: 'this relay does not accept that token (wrong or revoked)' };
  }

  /** The first frame must be a valid HELLO within the handshake deadline. */
  private awaitHello(ws: WebSocket, req: IncomingMessage, ip: string, record: TokenRecord | undefined): void {
    const { limits, registry, log } = this.deps;
    let pending = true;
    this.pending.add(ip);
    const settle = () => {
      if (pending) this.pending.remove(ip);
      pending = false;
    };
    const refuse = (code: string, message: string, fatal: boolean) => {
      ws.send(encode(MessageType.Refused, 0, { code, message, fatal }));
      ws.close(fatal ? 4001 : 4000, code);
    };
    const deadline = setTimeout(() => ws.terminate(), limits.handshakeTimeoutMs);
    ws.on('error', () => ws.terminate());
    ws.once('close', () => {
      clearTimeout(deadline);
      settle();
    });
    ws.once('message', (data: Buffer, isBinary: boolean) => {
      clearTimeout(deadline);
      settle();
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
      if (hello.ack && !this.deps.queueing) {
        // `relay --no-queue` is the only way a relay run from the CLI has no queue (it always has a --data-dir).
        return refuse('queue_unavailable', 'this relay runs with --no-queue: it keeps no durable queue, so it cannot acknowledge senders for you', true);
      }
      const tokenKey = record?.digest.toString('hex');
      const clusterClaim = this.deps.clusterClaim;
      if (clusterClaim) {
        const claimAndWelcome = () =>
          clusterClaim(hello, tokenKey)
            .then(
              (claim) => ws.readyState === ws.OPEN && welcome(claim, hello, tokenKey),
              // Redis is unreachable: not fatal, the client retries (perhaps through another node).
              (error: Error) => refuse('cluster_unavailable', `the relay cannot reach its cluster's registry right now (${error.message}); retrying`, false),
            )
            .catch(dropClient);
        if (hello.name === undefined) return void claimAndWelcome();
        this.inTurn(hello.name, claimAndWelcome);
        return;
      }
      try {
        welcome(this.claim(hello, tokenKey), hello, tokenKey);
      } catch (error) {
        dropClient(error);
      }
    });
    // A failure while welcoming (the relay's state cannot be read or written: a locked or broken relay.db) must not end
    // the relay, nor vanish: it is logged, and the client is told and tries again.
    const dropClient = (error: unknown) => {
      const reason = (error as Error)?.message ?? String(error);
      log(`handshake from ${ip} failed: ${reason}`);
      if (ws.readyState === ws.OPEN) refuse('relay_error', `the relay could not open the tunnel (${reason}); retrying`, false);
      else ws.terminate();
    };
    const welcome = (claim: Claim, hello: HelloMeta, tokenKey: string | undefined) => {
      if (!claim.ok) return refuse(claim.code, claim.message, claim.fatal);
      claim.displaced?.displace(`another client took over tunnel ${claim.id} (hooktunnel listen --force, or this client reconnected)`);

      const url = this.deps.addressing.tunnelUrl(claim.id, req);
      const connection = new TunnelConnection(claim.id, url, ws, hello.timeoutMs, (closed) => {
        registry.detach(closed);
        log(`tunnel ${closed.id} closed${closed.closeReason ? `: ${closed.closeReason}` : ''}`);
      });
      connection.tokenKey = tokenKey;
      connection.ack = hello.ack;
      if (limits.ratePerSecond > 0) connection.bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst);
      registry.attach(connection, claim);
      connection.startHeartbeat(limits.heartbeatIntervalMs, limits.heartbeatTimeoutMs);
      ws.send(encode(MessageType.Welcome, 0, { tunnelId: claim.id, url, resumeToken: claim.resumeToken, maxBodyBytes: limits.maxBodyBytes }));
      log(`tunnel ${claim.id} opened from ${ip}${record ? ` (${record.label})` : ''} → ${url}${hello.ack ? ' (acknowledge mode)' : ''}`);
      this.deps.onOpen?.(connection);
    };
  }

  /**
   * Runs a cluster claim of `name` (with its welcome) after the one before it on this node is over. Redis orders two
   * nodes' claims of a name, but sees two claims from this node as one holder: without turns both were welcomed, and
   * the first left connected to a tunnel no request reached. In turn, the second finds the first attached, as it would
   * on a single relay (name_taken, or with --force it displaces it).
   */
  private inTurn(name: string, run: () => Promise<unknown>): void {
    // `run` answers the client itself, failures included: a turn always ends, so the next one always starts.
    const turn = (this.naming.get(name) ?? Promise.resolve()).then(run).then(() => {}, () => {});
    this.naming.set(name, turn);
    void turn.then(() => {
      if (this.naming.get(name) === turn) this.naming.delete(name);
    });
  }

  /** Which id a HELLO gets: names belong to the token that first claimed them; each token holds a bounded number of tunnels. */
  private claim(hello: HelloMeta, tokenKey: string | undefined): Claim {
    const { auth, registry, limits } = this.deps;
    const name = hello.name;
    // Ownership first: --force must not help a client whose token does not own the name.
    const owner = tokenKey && name !== undefined ? auth?.nameOwner(name) : undefined;
    if (owner && owner !== tokenKey) {
      const message = `name "${name}" is reserved by another token on this relay; pick another --name, or ask the relay's operator to give it to your token (\`hooktunnel relay name give ${name} <token>\`, which keeps what is queued for it)`;
      return { ok: false, code: 'name_reserved', message, fatal: true };
    }
    if (tokenKey && name !== undefined && !owner && registry.knows(name) && !registry.resumes(name, hello.resumeToken)) {
      return { ok: false, code: 'name_reserved', message: anotherClientsId(name), fatal: true };
    }
    const claim = registry.claim(hello);
    if (!claim.ok || !tokenKey) return claim;
    const open = registry.countFor(tokenKey) - (claim.displaced?.tokenKey === tokenKey ? 1 : 0);
    if (open >= limits.maxTunnelsPerToken) {
      const message = `this token already has ${open} tunnels open on the relay, its limit; stop one, or raise the relay's --max-tunnels-per-token`;
      return { ok: false, code: 'too_many_tunnels', message, fatal: true };
    }
    if (name !== undefined && !owner) auth?.reserveName(name, tokenKey);
    return claim;
  }
}
