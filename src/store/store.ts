// The capture store: every exchange with its exact bytes, in one SQLite file that several processes can share.

import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors.js';
import type { Exchange, ExchangeSummary, HeaderPairs, WebhookInfo } from '../exchange.js';
import { migrate } from './migrations.js';
import { prepareRecordingStatements, Recording, type ExchangeStart, type RecordingStatements } from './recording.js';

const SUMMARY_COLUMNS = `id, replay_of, delivery_id, url, target, received_at, method, path, request_size,
  status, response_size, duration_ms, state, error_code, error_message,
  provider, event_type, event_id, verification, verification_reason, duplicate_of, out_of_order`;

type Row = Record<string, unknown>;

export interface ListOptions {
  limit: number;
  /** Only exchanges older than this id (for paging back). */
  beforeId?: number;
  /** Oldest first (recorded order) instead of newest first. */
  oldestFirst?: boolean;
  /** Received at or after this time (epoch ms). */
  since?: number;
  /** Path starts with this. */
  pathPrefix?: string;
  provider?: string;
  eventType?: string;
  /** No response, a 5xx, or an invalid signature. */
  failed?: boolean;
  /** Leave out replays. */
  originalsOnly?: boolean;
}

/** What the webhook analysis found, as stored; see WebhookInfo for the marks derived from history. */
export interface WebhookAnalysis {
  provider: string | null;
  eventType: string | null;
  eventId: string | null;
  /** The provider's own timestamp of the event, epoch ms. */
  eventAt: number | null;
  verification: WebhookInfo['verification'];
  reason: string | null;
}

export class Store {
  private readonly statements;
  private readonly recordingStatements: RecordingStatements;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
  ) {
    this.recordingStatements = prepareRecordingStatements(db);
    this.statements = {
      get: db.prepare(`SELECT * FROM exchanges WHERE id = ?`),
      chunks: db.prepare(`SELECT data FROM body_chunks WHERE exchange_id = ? AND part = ? ORDER BY seq`).pluck(),
      byDelivery: db.prepare(`SELECT id FROM exchanges WHERE delivery_id = ?`).pluck(),
      // Replays are not deliveries: they never make an original a duplicate or out of order.
      firstDelivery: db
        .prepare(`SELECT min(id) FROM exchanges WHERE provider = ? AND event_id = ? AND id < ? AND replay_of IS NULL`)
        .pluck(),
      // Answered from the (provider, event_at) index without a scan.
      latestEvent: db.prepare(`SELECT max(event_at) FROM exchanges WHERE provider = ?`).pluck(),
      analysisUpdate: db.prepare(
        `UPDATE exchanges SET provider = ?, event_type = ?, event_id = ?, event_at = ?, verification = ?,
           verification_reason = ?, duplicate_of = ?, out_of_order = ? WHERE id = ?`,
      ),
    };
  }

  /** Opens (creating if needed) the database file: WAL, a busy timeout for concurrent processes, migrations. */
  static open(path: string): Store {
    let db: Database.Database;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      db = new Database(path);
      if (path !== ':memory:') chmodSync(path, 0o600);
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: commits survive a crash of the process (not of the OS) without an fsync per write.
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      migrate(db);
    } catch (error) {
      throw new UserError(`could not open the database ${path}: ${(error as Error).message}`, {
        hint: 'check the path and its permissions, or choose another file with --db / HOOKTUNNEL_DB',
        cause: error,
      });
    }
    return new Store(path, db);
  }

  /** Writes the exchange's row now, before anything is forwarded, and returns the recording to complete. */
  begin(start: ExchangeStart): Recording {
    return Recording.begin(this.recordingStatements, start);
  }

  list(options: ListOptions): ExchangeSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (options.beforeId !== undefined) add('id < ?', options.beforeId);
    if (options.since !== undefined) add('received_at >= ?', options.since);
    if (options.pathPrefix) add('substr(path, 1, ?) = ?', options.pathPrefix.length, options.pathPrefix);
    if (options.provider) add('provider = ?', options.provider);
    if (options.eventType) add('event_type = ?', options.eventType);
    if (options.originalsOnly) add('replay_of IS NULL');
    if (options.failed) add(`(state IN ('failed', 'interrupted') OR status >= 500 OR verification = 'invalid')`);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM exchanges ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id ${options.oldestFirst ? 'ASC' : 'DESC'} LIMIT ?`;
    return (this.db.prepare(sql).all(...params, options.limit) as Row[]).map(toSummary);
  }

  /** Stores what the webhook analysis found and derives the duplicate and out-of-order marks from earlier deliveries. */
  recordAnalysis(id: number, analysis: WebhookAnalysis, options: { isReplay?: boolean } = {}): WebhookInfo {
    const { firstDelivery, latestEvent, analysisUpdate } = this.statements;
    return this.db.transaction(() => {
      const { provider, eventId, eventAt } = analysis;
      // A replay repeats an event on purpose: marking it a duplicate or out of order would only be noise.
      const marks = provider !== null && !options.isReplay;
      const duplicateOf = marks && eventId ? ((firstDelivery.get(provider, eventId, id) as number | null) ?? null) : null;
      const latest = marks && eventAt !== null ? (latestEvent.get(provider) as number | null) : null;
      const outOfOrder = latest !== null && eventAt !== null && eventAt < latest;
      analysisUpdate.run(provider, analysis.eventType, eventId, eventAt, analysis.verification, analysis.reason, duplicateOf, outOfOrder ? 1 : 0, id);
      return { provider, eventType: analysis.eventType, eventId, verification: analysis.verification, reason: analysis.reason, duplicateOf, outOfOrder };
    })();
  }

  get(id: number): Exchange | undefined {
    const row = this.statements.get.get(id) as Row | undefined;
    if (!row) return undefined;
    return {
      ...toSummary(row),
      requestHeaders: JSON.parse(row.request_headers as string) as HeaderPairs,
      requestBody: this.body(id, 'request', row.request_body),
      requestSha256: (row.request_sha256 as string | null) ?? null,
      responseHeaders: row.response_headers ? (JSON.parse(row.response_headers as string) as HeaderPairs) : null,
      responseBody: row.status === null ? null : this.body(id, 'response', row.response_body),
      responseSha256: (row.response_sha256 as string | null) ?? null,
    };
  }

  /** The exchange that recorded this relay delivery, if any (redeliveries must not be forwarded twice). */
  findDelivery(deliveryId: string): number | undefined {
    return this.statements.byDelivery.get(deliveryId) as number | undefined;
  }

  /** Marks exchanges left pending by processes that are gone as interrupted; returns how many. */
  markInterrupted(): number {
    const pids = this.db.prepare(`SELECT DISTINCT recorder_pid FROM exchanges WHERE state = 'pending'`).pluck().all() as number[];
    const mark = this.db.prepare(`UPDATE exchanges SET state = 'interrupted' WHERE state = 'pending' AND recorder_pid IS ?`);
    let count = 0;
    for (const pid of pids) if (!isAlive(pid)) count += mark.run(pid).changes;
    return count;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private body(id: number, part: 'request' | 'response', inline: unknown): Buffer {
    if (inline !== null && inline !== undefined) return inline as Buffer;
    return Buffer.concat(this.statements.chunks.all(id, part) as Buffer[]);
  }
}

function isAlive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function toSummary(row: Row): ExchangeSummary {
  return {
    id: row.id as number,
    replayOf: (row.replay_of as number | null) ?? null,
    deliveryId: (row.delivery_id as string | null) ?? null,
    url: (row.url as string | null) ?? null,
    target: row.target as string,
    receivedAt: row.received_at as number,
    method: row.method as string,
    path: row.path as string,
    requestSize: row.request_size as number,
    status: (row.status as number | null) ?? null,
    responseSize: (row.response_size as number | null) ?? null,
    durationMs: (row.duration_ms as number | null) ?? null,
    state: row.state as ExchangeSummary['state'],
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    webhook: row.verification
      ? {
          provider: (row.provider as string | null) ?? null,
          eventType: (row.event_type as string | null) ?? null,
          eventId: (row.event_id as string | null) ?? null,
          verification: row.verification as WebhookInfo['verification'],
          reason: (row.verification_reason as string | null) ?? null,
          duplicateOf: (row.duplicate_of as number | null) ?? null,
          outOfOrder: row.out_of_order === 1,
        }
      : null,
  };
}
