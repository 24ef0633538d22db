// Helpers for the web inspector tests: a store in a temp dir with real recorded exchanges, an inspector on it, and
// raw HTTP requests with exactly the Host, Origin and Cookie a test wants.

import http from 'node:http';
import { runExchange } from '../../src/exchange-runner.js';
import type { ExchangeSummary, HeaderPairs } from '../../src/exchange.js';
import { Forwarder } from '../../src/forward/forwarder.js';
import { parseTarget } from '../../src/forward/target.js';
import { routePort } from '../../src/routes/forwarded-path.js';
import { Store } from '../../src/store/store.js';
import { Inspector } from '../../src/web/server.js';
import type { Secrets } from '../../src/webhooks/secrets.js';

/**
 * Records one exchange the way a tunnel does: forwarded to the real app at `appUrl` and stored. With `route`, as
 * listen does when that hooktunnel.yml route takes it (the route's prefix is stripped, the route is recorded).
 */
export async function record(
  store: Store,
  appUrl: string,
  request: { method?: string; path: string; headers?: HeaderPairs; body?: Buffer | string; route?: string },
  secrets?: Secrets,
): Promise<ExchangeSummary> {
  const inner = new Forwarder(parseTarget(appUrl), { timeoutMs: 5_000, hostHeader: 'rewrite' });
  const forwarder = routePort(inner, request.route);
  try {
    const running = runExchange(
      {
        method: request.method ?? 'POST',
        path: request.path,
        headers: request.headers ?? [],
        body: Buffer.from(request.body ?? ''),
        deliveryId: null,
        url: null,
        receivedAt: Date.now(),
        replayOf: null,
      },
      { forwarder, store, secrets },
    );
    return await running.done;
  } finally {
    inner.close();
  }
}

/**
 * `secrets`: as `listen` builds them from --secret and the environment (none given here: replays are not re-signed).
 * `timeoutMs`: how long replays wait for the app (listen's --timeout).
 */
export async function startInspector(store: Store, appUrl?: string, secrets?: Secrets, timeoutMs = 5_000): Promise<Inspector> {
  return Inspector.start({
    store,
    secrets,
    replayTo: appUrl ? parseTarget(appUrl) : undefined,
    timeoutMs,
    info: { mode: 'web', publicUrl: null, target: appUrl ?? 'original target', dbPath: store.path, connection: null },
    port: 0,
    fallback: false,
  });
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request with these exact headers (node adds none: no Host unless given). */
export function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The secret cookie, as the browser gets it from the printed URL. */
export async function secretCookie(inspector: Inspector): Promise<string> {
  const url = new URL(inspector.url);
  const reply = await raw(inspector.port, 'GET', `${url.pathname}${url.search}`, { Host: url.host });
  const setCookie = reply.headers['set-cookie']?.[0];
  if (!setCookie) throw new Error(`no cookie from ${inspector.url}: ${reply.status}`);
  return setCookie.split(';')[0];
}
