// The node's Redis connections, set up to fail fast: while Redis is down every command rejects at once (no offline
// queue, no retries of a command), and ioredis keeps reconnecting in the background. Tracks whether Redis is up.

import { createHash } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { REDIS_COMMAND_TIMEOUT_MS } from './cluster-options.js';
import { loadRedis } from './load-redis.js';

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

  constructor(url: string, private readonly log: (line: string) => void) {
    const Client = loadRedis();
    this.command = new Client(url, FAIL_FAST);
    // Pub/sub needs its own connection; it re-subscribes by itself after a reconnect.
    this.subscriber = new Client(url, FAIL_FAST);
    this.command.on('ready', () => {
      if (!this.up) this.log('Redis is reachable');
      this.up = true;
      for (const listener of this.readyListeners) listener();
    });
    this.command.on('close', () => {
      if (this.up) this.log('Redis connection lost: serving the tunnels held here; others get 503 until it is back');
      this.up = false;
    });
    // Without a listener ioredis prints every failed reconnect; the state above says it once.
    this.command.on('error', () => {});
    this.subscriber.on('error', () => {});
  }

  get isUp(): boolean {
    return this.up && this.command.status === 'ready';
  }

  /** Runs after every (re)connection. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** Connects both; rejects with a one-line reason when Redis cannot be reached. */
  async connect(): Promise<void> {
    await Promise.all([this.command.connect(), this.subscriber.connect()]);
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
    this.command.disconnect();
    this.subscriber.disconnect();
  }
}
