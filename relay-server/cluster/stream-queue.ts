// The away-queue of a cluster: one Redis Stream per tunnel, so whichever node the client reconnects to delivers it.
// An entry is deleted only when the client ACKs it (after committing it), so a node lost mid-delivery loses nothing:
// the next node sends it again and the CLI drops the repeat by delivery id.

import type { QueuedDelivery, NewDelivery, QueueUsage } from '../delivery-queue.js';
import { redisKeys } from './redis-keys.js';
import { script, type RedisConnection } from './redis-connection.js';

/** One queued delivery as read back, with the stream entry id that ACK deletes. */
export interface StreamDelivery extends Omit<QueuedDelivery, 'seq'> {
  entryId: string;
}

/**
 * KEYS stream, bytes, totals, reservation, ack, location, name, random; ARGV maxCount, maxBytes, bytes, now, expiresAt,
 * then the entry's fields. -1: count cap, -2: byte cap, -3: the id is not known any more (connected nowhere, no
 * reservation, no name: a Redis that restarted empty while the request was arriving), so no client would ever receive
 * the entry. Also keeps the tunnel's id (its resume token, ack settings and random mark) until the entry expires.
 */
const ENQUEUE = script(`
if redis.call('EXISTS', KEYS[4], KEYS[6], KEYS[7]) == 0 then return -3 end
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then return -1 end
local bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
if bytes + tonumber(ARGV[3]) > tonumber(ARGV[2]) then return -2 end
redis.call('XADD', KEYS[1], '*', 'd', ARGV[6], 'x', ARGV[5], 'n', ARGV[3], 'm', ARGV[7], 'b', ARGV[8])
redis.call('INCRBY', KEYS[2], ARGV[3])
redis.call('HINCRBY', KEYS[3], 'count', 1)
redis.call('HINCRBY', KEYS[3], 'bytes', ARGV[3])
local hash = redis.call('GET', KEYS[4])
local ms = tonumber(ARGV[5]) - tonumber(ARGV[4])
if hash and ms > 0 and redis.call('PTTL', KEYS[4]) < ms then
  redis.call('PEXPIRE', KEYS[4], ms)
  redis.call('PEXPIRE', '${redisKeys.resume('')}' .. hash, ms)
  redis.call('PEXPIRE', KEYS[5], ms)
  redis.call('PEXPIRE', KEYS[8], ms)
end
return 1
`);

/** KEYS stream, bytes, totals; ARGV entry id, its bytes. Forgets one entry (an empty stream goes with its counter). */
const REMOVE = script(`
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('DECRBY', KEYS[2], ARGV[2])
redis.call('HINCRBY', KEYS[3], 'count', -1)
-- 0 - n, not -n: Lua writes -0 as "-0", which Redis refuses as an integer (an empty body is common).
redis.call('HINCRBY', KEYS[3], 'bytes', 0 - tonumber(ARGV[2]))
if redis.call('XLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1
`);

/**
 * KEYS stream, bytes, totals. Drops a tunnel's whole stream (its name was released); returns how many entries it held.
 * Plain source, not a `script`: `relay name release --redis` runs it with EVAL over a short-lived connection.
 */
export const DROP_STREAM_SOURCE = `
local count = redis.call('XLEN', KEYS[1])
if count == 0 then return 0 end
local bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HINCRBY', KEYS[3], 'count', 0 - count)
redis.call('HINCRBY', KEYS[3], 'bytes', 0 - bytes)
return count
`;

type Meta = Pick<QueuedDelivery, 'method' | 'path' | 'headers' | 'url' | 'receivedAt' | 'reason' | 'answerStatus' | 'answerBody'>;

export class StreamQueue {
  constructor(private readonly redis: RedisConnection) {}

  private keys(tunnelId: string): string[] {
    return [redisKeys.queue(tunnelId), redisKeys.queueBytes(tunnelId), redisKeys.queueTotals];
  }

  /**
   * Stores a delivery (durable when Redis persists: see the deploy notes); 'full' when a cap would be crossed, 'unknown'
   * when Redis no longer knows the tunnel (checked with the store, as TunnelDirectory.known() does).
   */
  async enqueue(delivery: NewDelivery, caps: { maxCount: number; maxBytes: number }, now = Date.now()): Promise<'stored' | 'full' | 'unknown'> {
    const meta: Meta = {
      method: delivery.method,
      path: delivery.path,
      headers: delivery.headers,
      url: delivery.url,
      receivedAt: delivery.receivedAt,
      reason: delivery.reason,
      answerStatus: delivery.answerStatus,
      answerBody: delivery.answerBody,
    };
    const result = await this.redis.run(
      ENQUEUE,
      [
        ...this.keys(delivery.tunnelId),
        redisKeys.reservation(delivery.tunnelId),
        redisKeys.ack(delivery.tunnelId),
        redisKeys.location(delivery.tunnelId),
        redisKeys.name(delivery.tunnelId),
        redisKeys.random(delivery.tunnelId),
      ],
      [caps.maxCount, caps.maxBytes, delivery.body.length, now, delivery.expiresAt, delivery.deliveryId, JSON.stringify(meta), delivery.body],
    );
    return result === 1 ? 'stored' : result === -3 ? 'unknown' : 'full';
  }

  /** Up to `limit` entries after entry id `after` ('-' for the start), oldest first. */
  async read(tunnelId: string, after: string, limit: number): Promise<StreamDelivery[]> {
    const start = after === '-' ? '-' : `(${after}`;
    const entries = await this.redis.command.xrangeBuffer(redisKeys.queue(tunnelId), start, '+', 'COUNT', limit);
    return entries.map(([id, fields]) => {
      const field = new Map<string, Buffer>();
      for (let i = 0; i + 1 < fields.length; i += 2) field.set(fields[i].toString(), fields[i + 1]);
      const meta = JSON.parse(field.get('m')!.toString()) as Meta;
      return {
        ...meta,
        entryId: id.toString(),
        tunnelId,
        deliveryId: field.get('d')!.toString(),
        expiresAt: Number(field.get('x')!.toString()),
        body: field.get('b') ?? Buffer.alloc(0),
      };
    });
  }

  async remove(tunnelId: string, entryId: string, bytes: number): Promise<boolean> {
    return (await this.redis.run(REMOVE, this.keys(tunnelId), [entryId, bytes])) === 1;
  }

  async usage(tunnelId: string): Promise<QueueUsage> {
    const [count, bytes] = await Promise.all([
      this.redis.command.xlen(redisKeys.queue(tunnelId)),
      this.redis.command.get(redisKeys.queueBytes(tunnelId)),
    ]);
    return { count, bytes: Number(bytes ?? 0) };
  }

  /** Every tunnel's total, across the cluster. */
  async totals(): Promise<QueueUsage> {
    const [count, bytes] = await this.redis.command.hmget(redisKeys.queueTotals, 'count', 'bytes');
    return { count: Math.max(0, Number(count ?? 0)), bytes: Math.max(0, Number(bytes ?? 0)) };
  }

  /** Drops entries past their TTL from every stream (walks them with SCAN); returns how many. */
  async expire(now = Date.now()): Promise<number> {
    let dropped = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.command.scan(cursor, 'MATCH', redisKeys.queuePattern, 'COUNT', 100, 'TYPE', 'stream');
      cursor = next;
      for (const key of keys) {
        const tunnelId = key.slice(redisKeys.queue('').length);
        // Entries expire in arrival order (one TTL for all), so only the head of a stream needs reading.
        for (let after = '-', fresh = false; !fresh; ) {
          const batch = await this.read(tunnelId, after, 16);
          if (batch.length === 0) break;
          for (const entry of batch) {
            if (entry.expiresAt > now) {
              fresh = true;
              break;
            }
            if (await this.remove(tunnelId, entry.entryId, entry.body.length)) dropped++;
          }
          after = batch[batch.length - 1].entryId;
        }
      }
    } while (cursor !== '0');
    return dropped;
  }
}
