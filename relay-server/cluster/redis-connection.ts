// The node's Redis connections, set up to fail fast: while Redis is down every command rejects at once (no offline
// queue, no retries of a command), and ioredis keeps reconnecting in the background. Tracks whether Redis is up.

import { createHash } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { REDIS_COMMAND_TIMEOUT_MS } from './cluster-options.js';
import { connectOutcome, loadRedis, RedisRefused, refusalOf, shownRedisUrl } from './load-redis.js';

/**
 * How often the node PINGs Redis. A Redis that stops answering (stalled, or a network that drops packets) keeps its TCP
 * connection open, so ioredis never says 'close': only commands timing out (REDIS_COMMAND_TIMEOUT_MS) show it.
 */
const PROBE_INTERVAL_MS = 1_000;

/** Reconnect delay: quick at first (a Redis restart takes a second), then at most every 2 s. */
const retryStrategy = (attempt: number) => Math.min(100 * attempt, 2_000);

const FAIL_FAST: RedisOptions = {
  lazyConnect: true,
  // A command issued while disconnected fails at once: the relay answers 503 instead of holding the sender.
  enableOfflineQueue: false,
  // A command in flight when the connection drops fails too, rather than being resent after a reconnect.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
  retryStrategy,
};

/** A Lua script run by its SHA-1 (EVALSHA), loaded again with EVAL when Redis forgot it (restart). */
export interface Script {
  lua: string;
  sha: string;
}

export const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

export class RedisConnection {
  readonly command: Redis;
  readonly subscriber: Redis;
  private up = false;
  private readonly readyListeners: (() => void)[] = [];
  /** Why the last connection attempt failed (ioredis's connect() itself only says "Connection is closed."). */
  private lastError: Error | undefined;
  /** The reason last logged while Redis is down: each new one is said once, not on every reconnect. */
  private saidReason: string | undefined;
  /** The first connect() is under way: its failure is reported by the caller, in one line. */
  private starting = true;
  /** Connected, but the last PING timed out or failed: Redis counts as down until one is answered. */
  private stalled = false;
  private probing = false;
  /** close() was called: the connections ending now are the node's own doing, not an outage to report. */
  private closing = false;
  private readonly probeTimer: NodeJS.Timeout;

  constructor(private readonly url: string, private readonly log: (line: string) => void) {
    const Client = loadRedis();
    this.command = new Client(url, FAIL_FAST);
    // Pub/sub needs its own connection; it re-subscribes by itself after a reconnect.
    this.subscriber = new Client(url, FAIL_FAST);
    // Each connection attempt starts without a reason; one that fails AUTH or SELECT gets it before 'ready'/'close'.
    this.command.on('connect', () => (this.lastError = undefined));
    this.command.on('ready', () => {
      // SELECT of a database the server lacks is an error, and then 'ready' (ioredis goes on in database 0).
      if (refusalOf(this.lastError)) return;
      if (!this.up) this.log('Redis is reachable');
      this.up = true;
      this.stalled = false;
      this.saidReason = undefined;
      for (const listener of this.readyListeners) listener();
    });
    this.command.on('close', () => {
      if (this.up && !this.closing) this.log('Redis connection lost: serving the tunnels held here; others get 503 until it is back');
      this.up = false;
    });
    // Without a listener ioredis prints every failed reconnect (with a stack); the state above says it once, and each
    // new reason while Redis is down once (a refused connection, then a wrong password after a restart, ...).
    const onError = (error: Error) => {
      this.lastError = error;
      if (this.up || this.starting || this.saidReason === error.message) return;
      this.saidReason = error.message;
      this.log(`Redis at ${shownRedisUrl(this.url)}: ${error.message}; retrying`);
    };
    this.command.on('error', onError);
    this.subscriber.on('error', onError);
    this.probeTimer = setInterval(() => this.probe(), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  get isUp(): boolean {
    return this.up && !this.stalled && this.command.status === 'ready';
  }

  /** A PING at a time: one that times out marks Redis down (/healthz, /metrics, the refresh); an answer, up again. */
  private probe(): void {
    if (this.probing || !this.up || this.command.status !== 'ready') return;
    this.probing = true;
    this.command
      .ping()
      .then(
        () => {
          if (!this.stalled) return;
          this.stalled = false;
          this.log('Redis answers again');
          // As after a reconnection: claims that lapsed meanwhile are written again at once.
          for (const listener of this.readyListeners) listener();
        },
        (error: Error) => {
          if (this.stalled || !this.up || this.command.status !== 'ready') return;
          this.stalled = true;
          this.log(`Redis at ${shownRedisUrl(this.url)} does not answer (${error.message}): serving the tunnels held here; others get 503 until it does`);
        },
      )
      .finally(() => (this.probing = false));
  }

  /** Runs after every (re)connection. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /**
   * Connects both; rejects with a one-line reason when Redis cannot be reached (the network's own: ECONNREFUSED,
   * ENOTFOUND, ...), or with a RedisRefused when it answered but refused the URL's password or database.
   */
  async connect(): Promise<void> {
    this.lastError = undefined;
    const failure = await connectOutcome(Promise.all([this.command.connect(), this.subscriber.connect()]), () => this.lastError);
    this.starting = false;
    if (!failure) return;
    // An outage's reason is said once, here, by the caller: not again by the reconnect loop.
    if (!(failure instanceof RedisRefused)) this.saidReason = failure.message;
    throw failure;
  }

  async run(s: Script, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
    try {
      return await this.command.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!/NOSCRIPT/.test((error as Error).message)) throw error;
      return this.command.eval(s.lua, keys.length, ...keys, ...args);
    }
  }

  close(): void {
    this.closing = true;
    clearInterval(this.probeTimer);
    this.command.disconnect();
    this.subscriber.disconnect();
  }
}
