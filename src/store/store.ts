// The capture store: every exchange with its exact bytes, in one SQLite file that several processes can share.

import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { Checkpointer } from './checkpointer.js';
import { damagedDatabase, isDamagedDatabase, openedStoreFiles } from './damaged.js';
import { UserError } from '../errors.js';
import type { Exchange, ExchangeSummary, HeaderPairs, MatchFields, WebhookInfo } from '../exchange.js';
import { DeliveryLedger } from './deliveries.js';
import { SAME_KIND } from './delivery-kind.js';
import { byId, EVENT_MATCHES_SQL, toEventMatch, type EventMatch } from './event-matches.js';
import { migrate, NewerSchemaError, type UpgradeListener } from './migrations.js';
import { isAlive } from './process-alive.js';
import { ADD_TO_COUNTER, planPrune, pruneExchanges, PRUNED_COUNTER, type PauseBetweenBatches, type PruneOptions, type PrunePlan } from './prune.js';
import { prepareRecordingStatements, Recording, type AnalysisColumns, type ExchangeStart, type RecordingStatements } from './recording.js';
import { DEFAULT_BUFFER_LIMITS, WriteBehind, type BufferLimits } from './write-behind.js';
import { MATCH_FIELD_COLUMNS, PID_ALIVE_FUNCTION, REQUEST_INCOMPLETE, SHOWN_STATE, SUMMARY_COLUMNS, toMatchFields, toSummary, type Row } from './rows.js';
import { BUSY_TIMEOUT_MS, isBusy, withoutWaiting } from './without-waiting.js';
import type { RedactRule } from '../redact/redact.js';

/** How often writes held in memory (store full or locked) are tried again. */
const FLUSH_INTERVAL_MS = 1_000;
/** Rows `progressAfter` returns at most per call. */
export const PROGRESS_BATCH = 500;

// Settled: answered (or failed), no automatic attempt due and none running (its lease, if any, has run out).
// A pending exchange whose recorder is gone counts as interrupted (SHOWN_STATE), so `wait` does not block on it.
// With the fields --match reads: `wait` rules most rows out from these, without reading their headers and bodies.
const PROGRESS_COLUMNS = `id, received_at AS receivedAt,
  ${SHOWN_STATE} != 'pending' AND next_attempt_at IS NULL AND (lease_until IS NULL OR lease_until <= ?) AS settled,
  ${MATCH_FIELD_COLUMNS}`;

export interface Progress {
  id: number;
  receivedAt: number;
  settled: boolean;
  fields: MatchFields;
}
const toProgress = (row: Row): Progress => ({
  id: row.id as number,
  receivedAt: row.receivedAt as number,
  settled: row.settled === 1,
  fields: toMatchFields(row),
});

export interface ListOptions {
  limit: number;
  /** Only exchanges older than this id (for paging back). */
  beforeId?: number;
  /** Only exchanges newer than this id (for following what other processes record). */
  afterId?: number;
  /** Oldest first (recorded order) instead of newest first. */
  oldestFirst?: boolean;
  /** Received at or after this time (epoch ms). */
  since?: number;
  /** This path and those below it (whole segments). */
  pathPrefix?: string;
  provider?: string;
  /** This event type and those it is the first segments of (`pull_request`: `pull_request.opened` too). */
  eventType?: string;
  /** No response, a 5xx, or an invalid signature. */
  failed?: boolean;
  /** Leave out replays. */
  originalsOnly?: boolean;
}

/** The WHERE of the exchanges_failed index (migrations.ts), term for term: SQLite uses a partial index only then. */
const FAILED_ROW = `state IN ('failed', 'interrupted') OR status >= 500 OR verification = 'invalid'`;

/** The statement `list` and `listIds` run: the filters of `options`, newest (or oldest) first, `columns` of each row. */
function listQuery(columns: string, options: ListOptions): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (options.beforeId !== undefined) add('id < ?', options.beforeId);
  if (options.afterId !== undefined) add('id > ?', options.afterId);
  if (options.since !== undefined) add('received_at >= ?', options.since);
  if (options.pathPrefix) {
    // Whole segments, as routes match: /stripe is /stripe, /stripe/… and /stripe?…, never /stripes. As ranges of the
    // exchanges_path index ('/' and '?' are followed by '0' and '@'): the ids come from it alone, as for --event.
    const base = options.pathPrefix;
    if (base.endsWith('/')) add('id IN (SELECT id FROM exchanges WHERE path >= ? AND path < ?)', base, `${base.slice(0, -1)}0`);
    else {
      const clause = 'id IN (SELECT id FROM exchanges WHERE path = ? OR (path >= ? AND path < ?) OR (path >= ? AND path < ?))';
      add(clause, base, `${base}/`, `${base}0`, `${base}?`, `${base}@`);
    }
  }
  if (options.provider) add('provider = ?', options.provider);
  if (options.eventType) {
    // The type or the types it is the first segments of: a GitHub developer asks for `pull_request` and the
    // recording says `pull_request.opened` (X-GitHub-Event + action); Shopify's `orders` covers `orders/create`.
    // '.' and '/' sort just before '0', so one range takes both. The ids come from the covering index, and the
    // rows are read through them in id order, so nothing is sorted and only the page's rows are read.
    const type = options.eventType;
    add('id IN (SELECT id FROM exchanges WHERE event_type = ? OR (event_type >= ? AND event_type < ?))', type, `${type}.`, `${type}0`);
  }
  if (options.originalsOnly) add('replay_of IS NULL');
  // Shown failed or interrupted, a 5xx, or an invalid signature: the rows of the exchanges_failed index, and the few
  // pending ones whose recorder is gone (SHOWN_STATE), found along exchanges_pending.
  if (options.failed) {
    add(`id IN (SELECT id FROM exchanges WHERE ${FAILED_ROW}
      UNION ALL SELECT id FROM exchanges WHERE state = 'pending' AND ${SHOWN_STATE} = 'interrupted')`);
  }
  const sql = `SELECT ${columns} FROM exchanges ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id ${options.oldestFirst ? 'ASC' : 'DESC'} LIMIT ?`;
  return { sql, params: [...params, options.limit] };
}

/** What the webhook analysis found, as stored; see WebhookInfo for the marks derived from history. */
export interface WebhookAnalysis {
  provider: string | null;
  eventType: string | null;
  eventId: string | null;
  /** The provider's own timestamp of the event, epoch ms. */
  eventAt: number | null;
  /** The stream its time is compared within for the out-of-order mark (order-scope.ts); null without an eventAt. */
  orderScope: string | null;
  verification: WebhookInfo['verification'];
  reason: string | null;
  problem?: WebhookInfo['problem'];
  /** Why the provider sent it again, as its headers say (WebhookDescription.retry). */
  retry?: string;
}

/** How Store.open sets up its connection. */
export interface OpenOptions {
  bufferLimits?: BufferLimits;
  backgroundCheckpoints?: boolean;
  checkpointIntervalMs?: number;
  redact?: RedactRule[];
  /** How long statements wait for another process's write lock (busy_timeout); listen passes LISTEN_LOCK_WAIT_MS. */
  lockWaitMs?: number;
  /** Hears of an update of the file that reads every recorded exchange (seconds on a big store). */
  onUpgrade?: UpgradeListener;
}

// What an analysis update costs in the write-behind buffer.
const ANALYSIS_BYTES = 512;

export class Store {
  private readonly statements;
  private readonly recordingStatements: RecordingStatements;
  /** Recording writes wait here while the database is full or locked; forwarding never does. */
  readonly writes: WriteBehind;
  /** Attempts, retries and their leases. */
  readonly deliveries: DeliveryLedger;
  private flushTimer: NodeJS.Timeout | undefined;
  private checkpointer: Checkpointer | undefined;
  private droppedSaved = 0;
  /** Why writes wait in memory, from the last time the store could not take them. */
  private heldBecause: Error | undefined;
  /** Record-time redaction rules (listen --redact): applied to every exchange this store records. */
  private redactRules: RedactRule[] = [];

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
    bufferLimits: BufferLimits,
    /** This connection's busy_timeout. */
    private readonly lockWaitMs: number,
  ) {
    // Before any statement is prepared: SHOWN_STATE calls it.
    db.function(PID_ALIVE_FUNCTION, { deterministic: false }, (pid: unknown) => (isAlive(typeof pid === 'number' || typeof pid === 'bigint' ? Number(pid) : null) ? 1 : 0));
    this.recordingStatements = prepareRecordingStatements(db);
    this.deliveries = new DeliveryLedger(db, lockWaitMs);
    const transaction = db.transaction((writes: () => void) => writes());
    this.writes = new WriteBehind(bufferLimits, (writes) => transaction(writes));
    this.writes.on('buffering', (error) => {
      this.heldBecause = error;
      this.startFlushing();
    });
    this.statements = {
      get: db.prepare(`SELECT *, ${SHOWN_STATE} AS shown_state, ${REQUEST_INCOMPLETE} FROM exchanges WHERE id = ?`),
      summary: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM exchanges WHERE id = ?`),
      // The ids as one JSON array: one statement however many, each row found by its id.
      summaries: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM exchanges WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`),
      chunks: db.prepare(`SELECT data FROM body_chunks WHERE exchange_id = ? AND part = ? ORDER BY seq`).pluck(),
      byDelivery: db.prepare(`SELECT id FROM exchanges WHERE delivery_id = ?`).pluck(),
      deliveryState: db.prepare(`SELECT id, request_sha256 IS NOT NULL AS whole FROM exchanges WHERE delivery_id = ?`),
      remove: db.prepare(`DELETE FROM exchanges WHERE id = ?`),
      counter: db.prepare(`SELECT value FROM counters WHERE name = ?`).pluck(),
      addCounter: db.prepare(ADD_TO_COUNTER),
      // Replays are not deliveries: they never make an original a duplicate or out of order. Only deliveries of the same
      // kind (SAME_KIND) are compared: `trigger --to <the tunnel's URL>` records one delivery at both ends.
      firstDelivery: db
        .prepare(`SELECT min(id) FROM exchanges WHERE provider = ? AND event_id = ? AND id < ? AND replay_of IS NULL AND ${SAME_KIND}`)
        .pluck(),
      // The same provider and order scope (one Shopify shop's order, one Stripe object), deliveries recorded before
      // this one only (lower ids: they arrived first), so `verify` of an old exchange judges it as of its arrival, not
      // against every later event. One seek of the exchanges_order index, whose third column is the kind (SAME_KIND),
      // read from the newest event time down.
      latestEvent: db
        .prepare(`SELECT max(event_at) FROM exchanges WHERE provider = ? AND order_scope = ? AND event_at IS NOT NULL AND id < ? AND ${SAME_KIND}`)
        .pluck(),
      // The rowid range scan `wait` runs on every change of the file: cheap however large the store is.
      progressAfter: db.prepare(`SELECT ${PROGRESS_COLUMNS} FROM exchanges WHERE id > ? ORDER BY id LIMIT ${PROGRESS_BATCH}`),
      eventMatches: db.prepare(EVENT_MATCHES_SQL),
      progressOf: db.prepare(`SELECT ${PROGRESS_COLUMNS} FROM exchanges WHERE id = ?`),
      lastId: db.prepare(`SELECT coalesce(max(id), 0) FROM exchanges`).pluck(),
      // The received_at index, read from the time on: a window of the last hour costs that hour's rows. Named, because
      // SQLite's own choice for min(id) walks the table from #1 until a row is recent enough (858 MB of 3.4 GB).
      firstReceivedSince: db.prepare(`SELECT min(id) FROM exchanges INDEXED BY exchanges_received WHERE received_at >= ?`).pluck(),
      analysisUpdate: db.prepare(
        `UPDATE exchanges SET provider = ?, event_type = ?, event_id = ?, event_at = ?, verification = ?,
           verification_reason = ?, verification_problem = ?, duplicate_of = ?, out_of_order = ?, order_scope = ?, provider_retry = ? WHERE id = ?`,
      ),
    };
  }

  /** Opens (creating if needed) the database file: WAL, a busy timeout for concurrent processes, migrations. */
  static open(path: string, options: OpenOptions = {}): Store {
    const lockWaitMs = options.lockWaitMs ?? BUSY_TIMEOUT_MS;
    let db: Database.Database;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      db = new Database(path);
      if (path !== ':memory:') chmodSync(path, 0o600);
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: commits survive a crash of the process (not of the OS) without an fsync per write.
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('foreign_keys = ON');
      migrate(db, options.onUpgrade);
      // After the migrations, which may wait for another process's write as long as any command.
      if (lockWaitMs !== BUSY_TIMEOUT_MS) db.pragma(`busy_timeout = ${lockWaitMs}`);
    } catch (error) {
      if (isDamagedDatabase(error)) throw damagedDatabase([path], error);
      throw new UserError(`could not open the database ${path}: ${(error as Error).message}`, {
        hint:
          error instanceof NewerSchemaError
            ? 'a newer hooktunnel wrote it: upgrade hooktunnel to read it, or choose another file with --db / HOOKTUNNEL_DB'
            : isBusy(error)
              ? // Only an update of the file writes on open: the lock is most likely another command doing the same one.
                'another process holds it locked (another hooktunnel updating it for this version, or a long sqlite3 session?): try again once it is free'
              : 'check the path and its permissions, or choose another file with --db / HOOKTUNNEL_DB',
        // A script may wait and try again for a lock, as for a write the store could not take (damaged.ts).
        ...(isBusy(error) ? { code: 'database_unavailable' } : {}),
        cause: error,
      });
    }
    openedStoreFiles.add(path);
    const store = new Store(path, db, options.bufferLimits ?? DEFAULT_BUFFER_LIMITS, lockWaitMs);
    store.redactRules = options.redact ?? [];
    // A long-running recorder (listen) runs its own checkpoints (checkpointer.ts); short commands keep SQLite's default.
    if (options.backgroundCheckpoints && path !== ':memory:') {
      // A recorder appends: the pages it touches are the right edges of the table and its indexes. better-sqlite3's
      // 16 MB page cache filled up under load and stayed (RSS); 2 MiB (SQLite's own default) holds those edges.
      db.pragma('cache_size = -2000');
      db.pragma('wal_autocheckpoint = 0');
      store.checkpointer = new Checkpointer(db, path, createRequire(import.meta.url).resolve('better-sqlite3'), options.checkpointIntervalMs);
    }
    return store;
  }

  /** Writes the exchange's row now, before anything is forwarded, and returns the recording to complete. */
  begin(start: ExchangeStart): Recording {
    return Recording.begin(this.recordingStatements, this.writes, start, this.redactRules);
  }

  /** Does this store redact what it records? Then the stored bytes are not the ones to deliver. */
  get redacts(): boolean {
    return this.redactRules.length > 0;
  }

  /** Starts a new attempt of a recorded exchange (retry): the request stays, the next answer replaces the last. */
  reopen(id: number): Recording {
    return Recording.reopen(this.recordingStatements, this.writes, id);
  }

  list(options: ListOptions): ExchangeSummary[] {
    this.writes.commitBatch();
    const { sql, params } = listQuery(SUMMARY_COLUMNS, options);
    return (this.db.prepare(sql).all(...params) as Row[]).map(toSummary);
  }

  /**
   * The ids `list` returns for the same options, without their rows: for commands that go on to read each exchange
   * whole, one at a time (export, a bulk replay), where 50,000 summaries held up front would be hundreds of MB.
   */
  listIds(options: ListOptions): number[] {
    this.writes.commitBatch();
    const { sql, params } = listQuery('id', options);
    return this.db.prepare(sql).pluck().all(...params) as number[];
  }

  /**
   * Stores what the analysis found and derives the duplicate and out-of-order marks from earlier deliveries of the same
   * kind as this one (`url`, as recorded: delivery-kind.ts). With `into` (the exchange's recording, not yet closed), the
   * columns ride in its completion write instead of an UPDATE of their own: one statement per finished exchange, not two.
   */
  recordAnalysis(id: number, analysis: WebhookAnalysis, options: { url: string | null; isReplay?: boolean; into?: Recording }): WebhookInfo {
    const { firstDelivery, latestEvent, analysisUpdate } = this.statements;
    const { provider, eventId, eventAt, orderScope } = analysis;
    // A replay repeats an event on purpose: marking it a duplicate or out of order would only be noise.
    const marks = provider !== null && !options.isReplay;
    const { url } = options;
    const duplicateOf = marks && eventId ? ((firstDelivery.get(provider, eventId, id, url) as number | null) ?? null) : null;
    const latest = marks && eventAt !== null && orderScope !== null ? (latestEvent.get(provider, orderScope, id, url) as number | null) : null;
    const outOfOrder = latest !== null && eventAt !== null && eventAt < latest;
    const { verification, reason, problem } = analysis;
    // A replay carries the provider's retry headers as recorded, but it is not the provider sending it again.
    const retry = marks ? analysis.retry : undefined;
    const info: WebhookInfo = {
      provider, eventType: analysis.eventType, eventId, verification, reason, ...(problem ? { problem } : {}), duplicateOf, outOfOrder, ...(retry ? { retry } : {}),
    };
    const columns: AnalysisColumns = [provider, analysis.eventType, eventId, eventAt, verification, reason, problem ?? null, duplicateOf, outOfOrder ? 1 : 0, orderScope, retry ?? null];
    if (options.into) {
      options.into.attachAnalysis(columns);
      return info;
    }
    // Written with this turn's other recording writes, in their transaction.
    this.writes.run({ analysis: id }, ANALYSIS_BYTES, () => analysisUpdate.run(...columns, id));
    return info;
  }

  /** One exchange without its headers and bodies (cheap for many ids). */
  summary(id: number): ExchangeSummary | undefined {
    this.writes.commitBatch();
    const row = this.statements.summary.get(id) as Row | undefined;
    return row && toSummary(row);
  }

  /** These exchanges without their headers and bodies, oldest first; the ones gone (pruned) are left out. */
  summaries(ids: number[]): ExchangeSummary[] {
    if (ids.length === 0) return [];
    this.writes.commitBatch();
    return (this.statements.summaries.all(JSON.stringify(ids)) as Row[]).map(toSummary);
  }

  /**
   * SQLite's data_version: changes whenever another connection (another process) commits to the file, never for this
   * connection's own writes. While it stays the same, every change to the store since was made here.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  get(id: number): Exchange | undefined {
    // Read what this process wrote, including this turn's batch.
    this.writes.commitBatch();
    const row = this.statements.get.get(id) as Row | undefined;
    if (!row) return undefined;
    const summary = toSummary(row);
    const requestBody = this.body(id, 'request', row.request_body);
    return {
      ...summary,
      // The size is written with the SHA-256 when the body ends; one cut off by a killed listen has only its chunks.
      ...(summary.requestIncomplete ? { requestSize: requestBody.length } : {}),
      requestHeaders: JSON.parse(row.request_headers as string) as HeaderPairs,
      requestBody,
      requestSha256: (row.request_sha256 as string | null) ?? null,
      responseHeaders: row.response_headers ? (JSON.parse(row.response_headers as string) as HeaderPairs) : null,
      responseBody: row.status === null ? null : this.body(id, 'response', row.response_body),
      responseSha256: (row.response_sha256 as string | null) ?? null,
      senderBody: (row.sender_body as Buffer | null) ?? null,
      attemptHistory: (row.attempt_count as number) > 0 ? this.deliveries.history(id) : [],
    };
  }

  /** Every exchange recorded with this provider event id, under any provider, oldest first: deliveries and replays. */
  eventMatches(eventId: string): EventMatch[] {
    this.writes.commitBatch();
    return (this.statements.eventMatches.all(eventId) as Row[]).map(toEventMatch).sort(byId);
  }

  /**
   * Exchanges after `afterId`, oldest first, and whether each is settled: answered (or failed), no automatic attempt
   * due and none running. A recording, a queued or a retried exchange is not settled yet.
   */
  progressAfter(afterId: number): Progress[] {
    this.writes.commitBatch();
    return (this.statements.progressAfter.all(Date.now(), afterId) as Row[]).map(toProgress);
  }

  /** The same for one exchange; undefined when it is gone (pruned). */
  progressOf(id: number): Progress | undefined {
    this.writes.commitBatch();
    const row = this.statements.progressOf.get(Date.now(), id) as Row | undefined;
    return row && toProgress(row);
  }

  /** The newest exchange id, 0 for an empty store. */
  lastId(): number {
    return this.statements.lastId.get() as number;
  }

  /** The lowest id of the exchanges received at or after this time (epoch ms); undefined when there is none. */
  firstIdReceivedSince(time: number): number | undefined {
    this.writes.commitBatch();
    return (this.statements.firstReceivedSince.get(time) as number | null) ?? undefined;
  }

  /** The exchange that recorded this relay delivery, if any (redeliveries must not be forwarded twice). */
  findDelivery(deliveryId: string): number | undefined {
    return this.statements.byDelivery.get(deliveryId) as number | undefined;
  }

  /** A delivery's exchange, and whether its whole request body is stored (a drop mid-body leaves only part of it). */
  deliveryState(deliveryId: string): { id: number; whole: boolean } | undefined {
    const row = this.statements.deliveryState.get(deliveryId) as { id: number; whole: number } | undefined;
    return row && { id: row.id, whole: row.whole === 1 };
  }

  /** Deletes one exchange (a partial recording about to be replaced by the whole redelivery); counted as pruned, so readers drop it. */
  remove(id: number): void {
    this.db.transaction(() => {
      if (this.statements.remove.run(id).changes > 0) this.statements.addCounter.run(PRUNED_COUNTER, 1);
    })();
  }

  /**
   * Deletes old exchanges (never ones with an attempt pending), in batches with a pause after each, so other processes'
   * writes and this one's event loop go on meanwhile; returns how many. VACUUM gives the space back to the disk.
   */
  async prune(options: PruneOptions & { vacuum?: boolean }, pause?: PauseBetweenBatches): Promise<number> {
    const deleted = await pruneExchanges(this.db, options, pause);
    if (options.vacuum && this.db.open) this.db.exec('VACUUM');
    return deleted;
  }

  /** How many exchanges a prune would delete, and how many there are; deletes nothing. */
  planPrune(options: PruneOptions): PrunePlan {
    this.writes.commitBatch();
    return planPrune(this.db, options);
  }

  /** Exchanges pruned over the life of this database, by any process: a change means rows are gone. */
  prunedTotal(): number {
    return (this.statements.counter.get(PRUNED_COUNTER) as number | undefined) ?? 0;
  }

  /** Exchanges dropped because the write-behind buffer overflowed, over the life of this database. */
  droppedTotal(): number {
    return ((this.statements.counter.get('dropped_exchanges') as number | undefined) ?? 0) + this.writes.dropped - this.droppedSaved;
  }

  /**
   * Attempts whose process died are due again (at least once); other exchanges left pending by processes that are gone
   * are marked interrupted. Returns how many were marked. Readers never write this: they show the same state
   * (SHOWN_STATE) until a listen writes it here.
   */
  markInterrupted(): number {
    this.deliveries.recoverDeadLeases();
    return this.db.prepare(`UPDATE exchanges SET state = 'interrupted' WHERE state = 'pending' AND ${SHOWN_STATE} = 'interrupted'`).run().changes;
  }

  /**
   * Why some writes still wait in memory after one more try (the store is full, or locked by another process), or
   * undefined when everything is in. A command that records and then exits asks before it does: what waits is lost
   * with the process, and the user must hear it (listen keeps trying as long as it runs).
   */
  unwritten(): Error | undefined {
    if (!this.db.open) return undefined;
    this.writes.commitBatch();
    if (this.writes.backlog === 0) return undefined;
    this.flushNow();
    return this.writes.backlog === 0 ? undefined : (this.heldBecause ?? new Error('the database could not take the writes'));
  }

  /** Writes what waits in memory if it can, keeps the dropped count, and closes. Idempotent. */
  close(): void {
    clearInterval(this.flushTimer);
    if (!this.db.open) return;
    this.writes.commitBatch();
    this.flushNow();
    this.checkpointer?.close();
    this.db.close();
  }

  private startFlushing(): void {
    if (this.flushTimer) return;
    this.flushTimer = setInterval(() => this.flushNow(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
  }

  /** One try at the waiting writes, without waiting on a lock (the event loop must not stall while the store is locked). */
  private flushNow(): void {
    try {
      withoutWaiting(this.db, this.lockWaitMs, () => {
        if (!this.writes.flush()) return;
        clearInterval(this.flushTimer);
        this.flushTimer = undefined;
        const unsaved = this.writes.dropped - this.droppedSaved;
        if (unsaved > 0) {
          this.statements.addCounter.run('dropped_exchanges', unsaved);
          this.droppedSaved += unsaved;
        }
      });
    } catch {
      // Still full or locked: the next tick tries again.
    }
  }

  private body(id: number, part: 'request' | 'response', inline: unknown): Buffer {
    if (inline !== null && inline !== undefined) return inline as Buffer;
    return Buffer.concat(this.statements.chunks.all(id, part) as Buffer[]);
  }
}
