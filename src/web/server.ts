// The web inspector's HTTP server: loopback only, every request through the guard, the routes, and the live feed.

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../errors.js';
import type { ExchangeSummary } from '../exchange.js';
import { addActionRoutes } from './api-actions.js';
import { addReadRoutes } from './api-read.js';
import { FeedBatch } from './feed-batch.js';
import { infoJson } from './info-json.js';
import type { InspectorInfo, InspectorOptions } from './context.js';
import { checkFetchSite, checkHost, checkWrite, hasSecret, isSecretParam, newSecret, secretCookie, setSecurityHeaders } from './guard.js';
import { sendJson, sendText } from './respond.js';
import { HttpError, Router } from './router.js';
import { SseHub } from './sse.js';
import { addStaticRoutes, staticFiles, type StaticFiles } from './static.js';
import { StoreWatcher } from '../store/store-watcher.js';

/** ngrok's inspector port: the one users already type. */
export const DEFAULT_INSPECT_PORT = 4040;
/** Ports tried after the default one before any free port is taken. */
const FALLBACK_TRIES = 20;
/** Loopback only: the inspector can replay to your local apps and shows every webhook body. */
const HOST = '127.0.0.1';

export class Inspector {
  private readonly hub: SseHub;
  private readonly feed = new FeedBatch((exchanges) => this.hub.send('exchanges', exchanges));
  private readonly router = new Router();
  private readonly watcher: StoreWatcher;
  private readonly secret = newSecret();
  private server: http.Server | undefined;
  /** True while at least one page follows the feed. */
  private watching = false;
  private info: InspectorInfo;
  port = 0;

  private constructor(
    private readonly options: InspectorOptions,
    private readonly files: StaticFiles,
  ) {
    this.info = { ...options.info };
    const deps = { ...options, info: this.info, announce: (e: ExchangeSummary) => this.announce(e) };
    addStaticRoutes(this.router, files);
    addReadRoutes(this.router, deps);
    addActionRoutes(this.router, deps);
    this.router.add('GET', '/api/events', ({ res }) => {
      this.hub.attach(res);
      this.hub.send('info', infoJson(this.info));
    });
    // Whether this browser holds the secret (the cookie is HttpOnly, so the page cannot look itself).
    this.router.add('GET', '/api/session', ({ req, res }) => sendJson(res, 200, { canWrite: hasSecret(req, this.port, this.secret) }));
    this.watcher = new StoreWatcher(options.store, { watchFiles: options.info.mode === 'web' });
    // Rows other processes record (a second listen, `hooktunnel replay`) reach the page too.
    this.watcher.on('exchange', (e) => this.feed.add(e));
    // Deleted rows are not news of any exchange: the page is told to read its list again.
    this.watcher.on('pruned', () => this.hub.send('pruned', {}));
    // The store is read only while a page is open: a listen nobody watches pays nothing for the inspector.
    this.hub = new SseHub((count) => {
      if (count === 1 && !this.watching) this.watcher.start();
      if (count === 0) this.watcher.stop();
      this.watching = count > 0;
    });
  }

  /** Binds 127.0.0.1 on the port asked for (or, for the default port, the next free one) and starts the feed. */
  static async start(options: InspectorOptions, files: StaticFiles = staticFiles()): Promise<Inspector> {
    const inspector = new Inspector(options, files);
    await inspector.listen();
    return inspector;
  }

  /** The address to open: carries the secret, which the first visit moves into a cookie. */
  get url(): string {
    return `${this.origin}/?k=${this.secret}`;
  }

  get origin(): string {
    return `http://${HOST}:${this.port}`;
  }

  /** Sends an exchange (new, or changed) to every open page. */
  announce(exchange: ExchangeSummary): void {
    // Nobody to tell: the forwarding path does no work for the inspector.
    if (this.hub.size === 0) return;
    // Sent now: following the store must neither read it back nor send an older version of it after this one.
    this.watcher.saw(exchange);
    this.feed.add(exchange);
  }

  /** Updates the header facts (public URL, connection state) on every open page. */
  setInfo(patch: Partial<InspectorInfo>): void {
    Object.assign(this.info, patch);
    this.hub.send('info', infoJson(this.info));
  }

  /** Idempotent. */
  async close(): Promise<void> {
    this.watcher.stop();
    this.feed.close();
    this.hub.close();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const { port, fallback } = this.options;
    const candidates = fallback ? [...Array.from({ length: FALLBACK_TRIES }, (_, i) => port + i), 0] : [port];
    for (const candidate of candidates) {
      const server = http.createServer((req, res) => void this.handle(req, res));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(candidate, HOST, () => resolve());
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' || (error as NodeJS.ErrnoException).code === 'EACCES') continue;
        throw error;
      }
      this.server = server;
      this.port = (server.address() as AddressInfo).port;
      return;
    }
    // Named as the user gave it: `web --port`, `listen --inspect-port` (which alone can do without the inspector).
    const web = this.options.info.mode === 'web';
    throw new UserError(`${web ? '--port' : '--inspect-port'} ${port}: port ${port} on ${HOST} is taken`, {
      hint: web ? 'pick another port (0: any free one), or leave --port out to take the next free one' : 'pick another port, leave the flag out to take the next free one, or pass --no-web',
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    try {
      checkHost(req, this.port);
      const url = new URL(req.url ?? '/', this.origin);
      checkFetchSite(req, url.pathname);
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') checkWrite(req, this.port, this.secret);
      if (url.pathname === '/' && method === 'GET') return this.page(res, url);
      const { handler, params } = this.router.match(method, url.pathname);
      await handler({ req, res, url, params });
    } catch (error) {
      const { status, message } = describeError(error);
      if (!res.headersSent) sendText(res, status, `${message}\n`);
      else res.destroy();
    }
  }

  /** The page; with the right `?k=` the secret becomes a cookie and the address bar loses it. */
  private page(res: ServerResponse, url: URL): void {
    const given = url.searchParams.get('k');
    if (given !== null) {
      const headers: Record<string, string> = { Location: '/' };
      if (isSecretParam(given, this.secret)) headers['Set-Cookie'] = secretCookie(this.port, this.secret);
      res.writeHead(303, headers);
      res.end();
      return;
    }
    const file = this.files.get('index.html');
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
    res.end(file.body);
  }
}

/** An HttpError says its own status; a UserError from shared code (replay refusing something) is the request's fault. */
function describeError(error: unknown): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  if (error instanceof UserError) return { status: 409, message: error.hint ? `${error.message} (${error.hint})` : error.message };
  return { status: 500, message: `inspector error: ${(error as Error).message}` };
}
