// The relay `listen` starts by itself when none is configured: loopback only, on a fixed port so URLs repeat.
//
// It keeps a durable queue and resume tokens in the data directory, like a self-hosted relay. Why not none: acknowledge
// mode needs a queue, and the embedded relay is shared — `listen 3000` and `listen 4000` on one machine use the relay
// of whichever started first, so when the second restarts (every file save, with a watcher), its webhooks are queued
// and delivered instead of getting 503. A queue left by a relay that stopped is delivered by the next one.
//
// When the process hosting it stops, a `listen` that shared it takes the port over (takeOverEmbeddedRelay, before each
// reconnect attempt): the bind decides which one, the others reconnect to it. Same port, same relay.db, so the same
// URLs (resume tokens, names) and the same queue.

import { request } from 'node:http';
import { join } from 'node:path';
import { createRelay, EMBEDDED_SIGNATURE_SUFFIX, type Relay } from '../relay-server/relay.js';
import { RELAY_SIGNATURE_HEADER } from './protocol.js';
import { dataDir } from './paths.js';
import { RelayDb } from './relay-state/relay-db.js';

const HOST = '127.0.0.1';

export interface EmbeddedRelay {
  url: string;
  /** Ours to close; absent when another hooktunnel process's embedded relay is shared. */
  relay?: Relay;
  /** Something the user should know (sharing, or a different port than usual). */
  note?: string;
}

/** What answers on this port: another listen's embedded relay, a `hooktunnel relay` someone runs, or something else. */
function whatIsOn(port: number): Promise<'embedded' | 'standalone' | 'other'> {
  return new Promise((resolve) => {
    const req = request({ host: HOST, port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      const signature = res.headers[RELAY_SIGNATURE_HEADER];
      if (typeof signature !== 'string') resolve('other');
      else resolve(signature.endsWith(EMBEDDED_SIGNATURE_SUFFIX) ? 'embedded' : 'standalone');
    });
    req.on('error', () => resolve('other'));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Where the embedded relay keeps its queue and resume tokens. */
export function embeddedRelayDir(env: Record<string, string | undefined> = process.env): string {
  return join(dataDir(env), 'embedded-relay');
}

async function tryStart(port: number): Promise<Relay | undefined> {
  const db = RelayDb.open(embeddedRelayDir());
  // No per-tunnel rate limit on the developer's own machine: a load test against the local app must not hit 429.
  const relay = createRelay({ port, host: HOST, limits: { ratePerSecond: 0 }, queue: db.deliveryQueue(), resume: db.resumeStore(), embedded: true });
  try {
    await relay.start();
  } catch (error) {
    await relay.close();
    db.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return undefined;
    throw error;
  }
  const closing = (stop: () => Promise<void>) => () => stop().finally(() => db.close());
  return {
    start: () => relay.start(),
    drain: closing(() => relay.drain()),
    close: closing(() => relay.close()),
    get port() {
      return relay.port;
    },
    get adminPort() {
      return relay.adminPort;
    },
    get tunnelCount() {
      return relay.tunnelCount;
    },
  };
}

/**
 * Starts a loopback relay on `port`, shares another listen's embedded relay already there, or falls back to a free
 * port and says so. A `hooktunnel relay` on the port is not shared: it is someone's own server (its queue setting,
 * its tokens), and sharing would make this listen take its port over whenever it restarts.
 */
export async function ensureEmbeddedRelay(port: number): Promise<EmbeddedRelay> {
  const relay = await tryStart(port);
  if (relay) return { url: `http://${HOST}:${relay.port}`, relay };
  const occupant = await whatIsOn(port);
  if (occupant === 'embedded') {
    return { url: `http://${HOST}:${port}`, note: `sharing the embedded relay of another hooktunnel on port ${port}` };
  }
  const fallback = (await tryStart(0))!;
  const taker = occupant === 'standalone' ? `a hooktunnel relay (use it with --relay http://${HOST}:${port})` : 'another program';
  return {
    url: `http://${HOST}:${fallback.port}`,
    relay: fallback,
    note: `port ${port} is taken by ${taker}; the embedded relay uses port ${fallback.port} instead`,
  };
}

/**
 * Starts the embedded relay on exactly `port` (the one the tunnel URLs use), for a `listen` whose relay went away.
 * Undefined when the port is taken: another `listen` won the race (or the old relay has not let go yet); just reconnect.
 */
export function takeOverEmbeddedRelay(port: number): Promise<Relay | undefined> {
  return tryStart(port);
}
