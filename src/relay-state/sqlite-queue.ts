// The relay's durable delivery queue in relay.db: one row per request answered by the relay, deleted on the client's ACK.

import type Database from 'better-sqlite3';
import type { DeliveryQueue, NewDelivery, QueuedDelivery, QueueUsage } from '../../relay-server/delivery-queue.js';

type Row = Record<string, unknown>;

function toDelivery(row: Row): QueuedDelivery {
  return {
    seq: row.seq as number,
    deliveryId: row.delivery_id as string,
    tunnelId: row.tunnel_id as string,
    method: row.method as string,
    path: row.path as string,
    headers: JSON.parse(row.headers as string),
    url: row.url as string,
    body: row.body as Buffer,
    receivedAt: row.received_at as number,
    expiresAt: row.expires_at as number,
    reason: row.reason as QueuedDelivery['reason'],
    answerStatus: row.answer_status as number,
    answerBody: row.answer_body as string,
  };
}

export class SqliteDeliveryQueue implements DeliveryQueue {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO queue (delivery_id, tunnel_id, method, path, headers, url, body, body_size, received_at, expires_at,
           reason, answer_status, answer_body)
         VALUES (@deliveryId, @tunnelId, @method, @path, @headers, @url, @body, @size, @receivedAt, @expiresAt,
           @reason, @answerStatus, @answerBody)`,
      ),
      pending: db.prepare(`SELECT * FROM queue WHERE tunnel_id = ? AND seq > ? AND expires_at > ? ORDER BY seq LIMIT ?`),
      remove: db.prepare(`DELETE FROM queue WHERE tunnel_id = ? AND delivery_id = ?`),
      usage: db.prepare(`SELECT count(*) AS count, coalesce(sum(body_size), 0) AS bytes FROM queue WHERE tunnel_id = ? AND expires_at > ?`),
      totals: db.prepare(`SELECT count(*) AS count, coalesce(sum(body_size), 0) AS bytes FROM queue WHERE expires_at > ?`),
      expire: db.prepare(`DELETE FROM queue WHERE expires_at <= ?`),
    };
  }

  enqueue(delivery: NewDelivery): void {
    this.statements.insert.run({
      ...delivery,
      headers: JSON.stringify(delivery.headers),
      size: delivery.body.length,
    });
  }

  pending(tunnelId: string, afterSeq: number, limit: number, now = Date.now()): QueuedDelivery[] {
    return (this.statements.pending.all(tunnelId, afterSeq, now, limit) as Row[]).map(toDelivery);
  }

  remove(tunnelId: string, deliveryId: string): boolean {
    return this.statements.remove.run(tunnelId, deliveryId).changes > 0;
  }

  usage(tunnelId: string, now = Date.now()): QueueUsage {
    return this.statements.usage.get(tunnelId, now) as QueueUsage;
  }

  totals(now = Date.now()): QueueUsage {
    return this.statements.totals.get(now) as QueueUsage;
  }

  expire(now = Date.now()): number {
    return this.statements.expire.run(now).changes;
  }
}
