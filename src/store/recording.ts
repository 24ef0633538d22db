// One exchange being recorded: its row exists from the first byte; bodies stream in and are hashed as they pass.
// Every write goes through the store's WriteBehind, so a full or locked database delays the writes instead of losing them.

import { sha256Hex as sha256 } from './sha256.js';
import type Database from 'better-sqlite3';
import type { HeaderPairs } from '../exchange.js';
import { BodyWriter } from './body-writer.js';
import type { WriteBehind } from './write-behind.js';
import { redactHeaders, redactRequest, type RedactRule } from '../redact/redact.js';

/** Record-time redaction of one exchange: its rules, what they took out so far, the request headers as stored. */
interface Redaction {
  rules: RedactRule[];
  hits: Set<string>;
  headers: HeaderPairs;
  written: number;
}

export interface ExchangeStart {
  deliveryId: string | null;
  replayOf: number | null;
  url: string | null;
  target: string;
  /** The hooktunnel.yml route that took it (its prefix), if routes are in use. */
  route?: string | null;
  receivedAt: number;
  method: string;
  path: string;
  headers: HeaderPairs;
  /** The whole request body, when it is already here; otherwise stream it with appendRequestBody. */
  body?: Buffer;
  /** Redaction rules already applied to these headers and body (a replay of a redacted exchange). */
  redacted?: string[] | null;
  /** The relay answered the sender itself: why, and what it said. */
  queued?: { reason: 'offline' | 'ack'; senderStatus: number; senderBody: Buffer; lateByMs: number | null };
  /** Automatic attempts allowed (first included); the first is due at `nextAttemptAt`. */
  maxAttempts?: number;
  nextAttemptAt?: number;
}

type Part = 'request' | 'response';

/**
 * provider, event_type, event_id, event_at, verification, verification_reason, verification_problem, duplicate_of,
 * out_of_order, order_scope, provider_retry.
 */
export type AnalysisColumns = [
  string | null, string | null, string | null, number | null, string | null, string | null, string | null, number | null, number, string | null,
  string | null,
];

/** Prepared once per database and shared by every recording. */
export function prepareRecordingStatements(db: Database.Database) {
  return {
    // Positional parameters: better-sqlite3 binds an array faster than it looks up a named object's keys.
    insert: db.prepare(
      `INSERT INTO exchanges (delivery_id, replay_of, url, target, received_at, method, path, request_headers,
         request_body, request_size, request_sha256, recorder_pid, queued_reason, sender_status, sender_body, late_by_ms,
         max_attempts, next_attempt_at, route, redacted)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    chunk: db.prepare(`INSERT INTO body_chunks (exchange_id, part, seq, data) VALUES (?, ?, ?, ?)`),
    requestBody: db.prepare(`UPDATE exchanges SET request_body = ?, request_size = ?, request_sha256 = ? WHERE id = ?`),
    complete: db.prepare(
      `UPDATE exchanges SET status = ?, response_headers = ?, response_body = ?, response_size = ?, response_sha256 = ?,
         duration_ms = ?, state = ?, error_code = ?, error_message = ? WHERE id = ?`,
    ),
    // The completion and the webhook analysis in one statement (positional: one UPDATE is cheaper than two).
    completeAnalyzed: db.prepare(
      `UPDATE exchanges SET status = ?, response_headers = ?, response_body = ?, response_size = ?, response_sha256 = ?,
         duration_ms = ?, state = ?, error_code = ?, error_message = ?, provider = ?, event_type = ?, event_id = ?,
         event_at = ?, verification = ?, verification_reason = ?, verification_problem = ?, duplicate_of = ?, out_of_order = ?,
         order_scope = ?, provider_retry = ? WHERE id = ?`,
    ),
    // A new attempt of a recorded exchange: the last answer goes, the request stays.
    reopen: db.prepare(
      `UPDATE exchanges SET state = 'pending', recorder_pid = ?, status = NULL, response_headers = NULL, response_body = NULL,
         response_size = NULL, response_sha256 = NULL, duration_ms = NULL, error_code = NULL, error_message = NULL,
         sender_gone_ms = NULL WHERE id = ?`,
    ),
    senderGone: db.prepare(`UPDATE exchanges SET sender_gone_ms = ? WHERE id = ?`),
    dropResponseChunks: db.prepare(`DELETE FROM body_chunks WHERE exchange_id = ? AND part = 'response'`),
    redaction: db.prepare(`UPDATE exchanges SET request_headers = ?, redacted = ? WHERE id = ?`),
  };
}
export type RecordingStatements = ReturnType<typeof prepareRecordingStatements>;

// What a row costs in the write-behind buffer besides its bodies.
const ROW_BYTES = 1024;

export class Recording {
  private rowId = 0;
  private request: BodyWriter | undefined;
  private response: BodyWriter | undefined;
  private requestIncomplete = false;
  private status: number | null = null;
  private responseHeaders: HeaderPairs | null = null;
  private committed: (() => void)[] | undefined = [];
  private redaction: Redaction | undefined;
  /** Webhook analysis columns (provider … order_scope) to write with the completion; see attachAnalysis. */
  private analysis: AnalysisColumns | undefined;
  /** The request body as it arrived, when redaction changed what was stored (signature checks need the real bytes). */
  unredactedBody: Buffer | undefined;

  private constructor(
    private readonly statements: RecordingStatements,
    private readonly writes: WriteBehind,
  ) {}

  /**
   * The row id; 0 while the insert is held in memory (store full or locked). Asking before the turn's batch is
   * committed commits it now, so a caller always reads its own writes.
   */
  get id(): number {
    if (this.rowId === 0) this.writes.commitBatch();
    // A batch the store refused (full or locked) ran the insert and rolled it back: that id was never the row's.
    return this.isCommitted ? this.rowId : 0;
  }

  /** Inserts the row (or queues the insert while the store cannot take it); with the whole body at hand that is the only write until the response. */
  static begin(statements: RecordingStatements, writes: WriteBehind, start: ExchangeStart, rules: RedactRule[] = []): Recording {
    const recording = new Recording(statements, writes);
    let { body, headers } = start;
    const hits = new Set<string>();
    if (rules.length > 0) {
      // Taken out before the row is written: the unredacted values never reach the file (nor its WAL).
      if (body) {
        const redacted = redactRequest(headers, body, rules);
        if (redacted.body !== body) recording.unredactedBody = body;
        ({ headers, body } = redacted);
        redacted.redacted.forEach((hit) => hits.add(hit));
      } else {
        headers = redactHeaders(headers, rules, hits);
      }
      recording.redaction = { rules, hits, headers, written: hits.size };
    }
    const row = [
      start.deliveryId,
      start.replayOf,
      start.url,
      start.target,
      start.receivedAt,
      start.method,
      start.path,
      JSON.stringify(headers),
      body ?? null,
      body?.length ?? 0,
      body ? sha256(body) : null,
      process.pid,
      start.queued?.reason ?? null,
      start.queued?.senderStatus ?? null,
      start.queued?.senderBody ?? null,
      start.queued?.lateByMs ?? null,
      start.maxAttempts ?? null,
      start.nextAttemptAt ?? null,
      start.route ?? null,
      hits.size > 0 ? JSON.stringify([...hits]) : (start.redacted?.length ? JSON.stringify(start.redacted) : null),
    ];
    writes.run(recording, ROW_BYTES + (body?.length ?? 0), () => {
      recording.rowId = Number(statements.insert.run(row).lastInsertRowid);
      recording.markCommitted();
    });
    if (!body) recording.request = recording.writer('request', rules.some((r) => r.kind === 'body'));
    return recording;
  }

  /** A new attempt on a recorded exchange (its request is stored): clears the last answer and records the new one. */
  static reopen(statements: RecordingStatements, writes: WriteBehind, id: number): Recording {
    const recording = new Recording(statements, writes);
    recording.rowId = id;
    recording.markCommitted();
    writes.run(recording, ROW_BYTES, () => {
      statements.dropResponseChunks.run(id);
      statements.reopen.run(process.pid, id);
    });
    return recording;
  }

  /** Is the row in the database (not waiting in memory for a full or locked store)? */
  get isCommitted(): boolean {
    return this.committed === undefined;
  }

  /** Runs `fn` once the row is in the database (now, or when the write-behind buffer reaches it). Never, if it is dropped. */
  onCommitted(fn: () => void): void {
    if (this.committed) this.committed.push(fn);
    else fn();
  }

  /** Runs `fn` once the row is written or, the store failing, held in memory: the moment it is safe to forward. */
  whenStored(fn: () => void): void {
    this.writes.whenSettled(fn);
  }

  /** The redaction rules that took something out so far (undefined when none did). */
  get redacted(): string[] | undefined {
    return this.redaction?.hits.size ? [...this.redaction.hits] : undefined;
  }

  /** Were this exchange's writes dropped (the write-behind buffer overflowed)? */
  get dropped(): boolean {
    return this.writes.isDropped(this);
  }

  appendRequestBody(chunk: Buffer): void {
    this.request?.append(chunk);
  }

  /** The request body is complete. */
  endRequestBody(): void {
    if (!this.request) return;
    let { inline, size, sha256: digest } = this.request.finish();
    this.request = undefined;
    if (inline && this.redaction) {
      const redacted = redactRequest(this.redaction.headers, inline, this.redaction.rules);
      if (redacted.body !== inline) {
        this.unredactedBody = inline;
        ({ body: inline, size } = { body: redacted.body, size: redacted.body.length });
        digest = sha256(inline);
        this.redaction.headers = redacted.headers;
      }
      // Also when nothing changed: a body rule that could not look into the body (gzip that does not inflate) says so.
      redacted.redacted.forEach((hit) => this.redaction!.hits.add(hit));
    }
    const sha = this.requestIncomplete ? null : digest;
    this.writes.run(this, inline?.length ?? 0, () => this.statements.requestBody.run(inline, size, sha, this.rowId));
  }

  /** The request body stopped arriving (the tunnel dropped): what came is kept, without a SHA-256, so it is never taken for whole. */
  abandonRequestBody(): void {
    this.requestIncomplete = true;
    this.endRequestBody();
  }

  respond(status: number, headers: HeaderPairs): void {
    this.status = status;
    this.responseHeaders = this.redaction ? redactHeaders(headers, this.redaction.rules, this.redaction.hits) : headers;
    this.response = this.writer('response');
  }

  appendResponseBody(chunk: Buffer): void {
    this.response?.append(chunk);
  }

  /** Writes these analysis columns in the coming completion write (complete, fail or interrupt) rather than apart. */
  attachAnalysis(columns: AnalysisColumns): void {
    this.analysis = columns;
  }

  /** The local app answered in full. */
  complete(durationMs: number): void {
    this.save(durationMs, 'complete', null, null);
  }

  /** No (complete) answer: what hooktunnel told the sender instead. */
  fail(status: number, code: string, message: string, durationMs: number): void {
    if (this.status === null) this.status = status;
    this.save(durationMs, 'failed', code, message);
  }

  /**
   * The sender hung up `afterMs` into the exchange while the app was still at it: its answer goes on being recorded,
   * and the row says when the sender left (complete or fail then records the outcome, with `sender_gone`).
   */
  senderGone(afterMs: number): void {
    this.writes.run(this, ROW_BYTES, () => this.statements.senderGone.run(afterMs, this.rowId));
  }

  /** No answer will come and none is owed (an imported request the archive holds no answer for). */
  interrupt(durationMs: number): void {
    this.save(durationMs, 'interrupted', null, null);
  }

  private save(durationMs: number, state: string, errorCode: string | null, errorMessage: string | null): void {
    this.endRequestBody();
    this.saveRedactionMarks();
    const body = this.response?.finish();
    const inline = body ? body.inline : null;
    const headers = this.responseHeaders ? JSON.stringify(this.responseHeaders) : null;
    const { status, analysis } = this;
    this.analysis = undefined;
    this.writes.run(this, ROW_BYTES + (inline?.length ?? 0), () =>
      analysis
        ? this.statements.completeAnalyzed.run(status, headers, inline, body?.size ?? null, body?.sha256 ?? null, durationMs, state, errorCode, errorMessage, ...analysis, this.rowId)
        : this.statements.complete.run(status, headers, inline, body?.size ?? null, body?.sha256 ?? null, durationMs, state, errorCode, errorMessage, this.rowId),
    );
  }

  /** The redaction marks (and the request headers, whose Content-Length follows a redacted body), when they grew. */
  private saveRedactionMarks(): void {
    const r = this.redaction;
    if (!r || r.hits.size === r.written) return;
    r.written = r.hits.size;
    const marks = JSON.stringify([...r.hits]);
    const headers = JSON.stringify(r.headers);
    this.writes.run(this, ROW_BYTES, () => this.statements.redaction.run(headers, marks, this.rowId));
  }

  private markCommitted(): void {
    // Inside a batch the row is written but not yet committed: announce it after the commit.
    this.writes.whenCommitted(() => {
      const callbacks = this.committed ?? [];
      this.committed = undefined;
      for (const fn of callbacks) fn();
    });
  }

  private writer(part: Part, holdAll = false): BodyWriter {
    return new BodyWriter((seq, data) => this.writes.run(this, data.length, () => this.statements.chunk.run(this.rowId, part, seq, data)), holdAll);
  }
}
