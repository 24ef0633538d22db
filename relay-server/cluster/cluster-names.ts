// Reserved names of a relay cluster, for the operator's `relay name list|release --redis`: they live in Redis, not in
// any node's --data-dir.

import type { Redis } from 'ioredis';
import { connectOutcome, loadRedis, RedisRefused, shownRedisUrl } from './load-redis.js';
import { redisKeys } from './redis-keys.js';
import { DROP_STREAM_SOURCE } from './stream-queue.js';

export interface ClusterName {
  name: string;
  /** SHA-256 (hex) of the token that owns it. */
  owner: string;
}

/** One short-lived connection that fails at once when Redis is down (no offline queue, no reconnect). */
async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new (loadRedis())(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis's connect() only says "Connection is closed."; the reason (ECONNREFUSED, WRONGPASS, ...) is an error event.
  let reason: Error | undefined;
  redis.on('error', (error: Error) => (reason ??= error));
  const failure = await connectOutcome(redis.connect(), () => reason);
  if (failure) {
    redis.disconnect();
    const shown = shownRedisUrl(url);
    throw new Error(failure instanceof RedisRefused ? `Redis at ${shown} ${failure.message}` : `could not reach Redis at ${shown}: ${failure.message}`);
  }
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

export function listClusterNames(url: string): Promise<ClusterName[]> {
  return withRedis(url, async (redis) => {
    const prefix = redisKeys.name('');
    const names: ClusterName[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      const owners = keys.length ? await redis.mget(...keys) : [];
      keys.forEach((key, i) => owners[i] && names.push({ name: key.slice(prefix.length), owner: owners[i]! }));
    } while (cursor !== '0');
    return names.sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** How many requests wait in each name's queue (a Redis Stream per name), in the order given. */
export function queuedForClusterNames(url: string, names: string[]): Promise<number[]> {
  return withRedis(url, async (redis) => {
    if (names.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const name of names) pipeline.xlen(redisKeys.queue(name));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, count]) => {
      if (error) throw error;
      return Number(count);
    });
  });
}

/**
 * Frees a name on every node at once; undefined when it was not reserved. Its reservation and its queued requests go
 * too, as on a single relay (RelayDb.releaseName): a known id no token owns is taken only by its resume token, and the
 * next token to claim the name must not receive what was sent to its old owner's URL.
 */
export function releaseClusterName(url: string, name: string): Promise<{ droppedQueued: number } | undefined> {
  return withRedis(url, async (redis) => {
    if ((await redis.del(redisKeys.name(name))) !== 1) return undefined;
    await redis.del(redisKeys.reservation(name), redisKeys.random(name));
    const dropped = await redis.eval(DROP_STREAM_SOURCE, 3, redisKeys.queue(name), redisKeys.queueBytes(name), redisKeys.queueTotals);
    return { droppedQueued: Number(dropped) };
  });
}

/**
 * Hands a name (KEYS[1]) to token ARGV[1] with its queue (KEYS[3], keyed by the name, so it follows the name as it is),
 * unless a client holds it now (KEYS[2], its location: written by the node it is connected to, and lapsing within 15 s
 * of that node's death). In one step, so a client that connects meanwhile either holds the name first (and the give is
 * refused) or is refused it as another token's.
 */
const GIVE_NAME_SOURCE = `
local owner = redis.call('GET', KEYS[1])
if not owner then return {'missing'} end
if owner == ARGV[1] then return {'same'} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'connected'} end
redis.call('SET', KEYS[1], ARGV[1])
return {'given', redis.call('XLEN', KEYS[3])}
`;

export type ClusterGive = { given: true; queued: number } | { given: false; why: 'missing' | 'same' | 'connected' };

/** Gives a reserved name to the token whose SHA-256 (hex) is `digest`, on every node at once (see GIVE_NAME_SOURCE). */
export function giveClusterName(url: string, name: string, digest: string): Promise<ClusterGive> {
  return withRedis(url, async (redis) => {
    const [outcome, queued] = (await redis.eval(GIVE_NAME_SOURCE, 3, redisKeys.name(name), redisKeys.location(name), redisKeys.queue(name), digest)) as [string, number?];
    if (outcome === 'given') return { given: true, queued: Number(queued) };
    return { given: false, why: outcome as 'missing' | 'same' | 'connected' };
  });
}
