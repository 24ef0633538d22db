// One exchange being recorded: its row exists from the first byte; bodies stream in and are hashed as they pass.
// Every write goes through the store's WriteBehind, so a full or locked database delays the writes instead of losing them.

import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { HeaderPairs } from '../exchange.js';
import { BodyWriter } from './body-writer.js';
import type { WriteBehind } from './write-behind.js';

export interface ExchangeStart {
  deliveryId: string | null;
  replayOf: number | null;
  url: string | null;
  target: string;
  receivedAt: number;
  method: string;
  path: string;
  headers: HeaderPairs;
  /** The whole request body, when it is already here; otherwise stream it with appendRequestBody. */
  body?: Buffer;
  /** The relay answered the sender itself: why, and what it said. */
  queued?: { reason: 'offline' | 'ack'; senderStatus: number; senderBody: Buffer; lateByMs: number | null };
  /** Automatic attempts allowed (first included); the first is due at `nextAttemptAt`. */
  maxAttempts?: number;
  nextAttemptAt?: number;
}

type Part = 'request' | 'response';

/** Prepared once per database and shared by every recording. */
export function prepareRecordingStatements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO exchanges (delivery_id, replay_of, url, target, received_at, method, path, request_headers,
         request_body, request_size, request_sha256, recorder_pid, queued_reason, sender_status, sender_body, late_by_ms,
         max_attempts, next_attempt_at)
       VALUES (@deliveryId, @replayOf, @url, @target, @receivedAt, @method, @path, @headers, @body, @size, @sha256, @pid,
         @queuedReason, @senderStatus, @senderBody, @lateByMs, @maxAttempts, @nextAttemptAt)`,
    ),
    chunk: db.prepare(`INSERT INTO body_chunks (exchange_id, part, seq, data) VALUES (?, ?, ?, ?)`),
    requestBody: db.prepare(`UPDATE exchanges SET request_body = ?, request_size = ?, request_sha256 = ? WHERE id = ?`),
    complete: db.prepare(
      `UPDATE exchanges SET status = @status, response_headers = @headers, response_body = @body, response_size = @size,
         response_sha256 = @sha256, duration_ms = @durationMs, state = @state, error_code = @errorCode, error_message = @errorMessage
       WHERE id = @id`,
    ),
    // A new attempt of a recorded exchange: the last answer goes, the request stays.
    reopen: db.prepare(
      `UPDATE exchanges SET state = 'pending', recorder_pid = ?, status = NULL, response_headers = NULL, response_body = NULL,
         response_size = NULL, response_sha256 = NULL, duration_ms = NULL, error_code = NULL, error_message = NULL WHERE id = ?`,
    ),
    dropResponseChunks: db.prepare(`DELETE FROM body_chunks WHERE exchange_id = ? AND part = 'response'`),
  };
}
export type RecordingStatements = ReturnType<typeof prepareRecordingStatements>;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
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
    return this.rowId;
  }

  /** Inserts the row (or queues the insert while the store cannot take it); with the whole body at hand that is the only write until the response. */
  static begin(statements: RecordingStatements, writes: WriteBehind, start: ExchangeStart): Recording {
    const recording = new Recording(statements, writes);
    const body = start.body;
    const row = {
      deliveryId: start.deliveryId,
      replayOf: start.replayOf,
      url: start.url,
      target: start.target,
      receivedAt: start.receivedAt,
      method: start.method,
      path: start.path,
      headers: JSON.stringify(start.headers),
      body: body ?? null,
      size: body?.length ?? 0,
      sha256: body ? sha256(body) : null,
      pid: process.pid,
      queuedReason: start.queued?.reason ?? null,
      senderStatus: start.queued?.senderStatus ?? null,
      senderBody: start.queued?.senderBody ?? null,
      lateByMs: start.queued?.lateByMs ?? null,
      maxAttempts: start.maxAttempts ?? null,
      nextAttemptAt: start.nextAttemptAt ?? null,
    };
    writes.run(recording, ROW_BYTES + (body?.length ?? 0), () => {
      recording.rowId = Number(statements.insert.run(row).lastInsertRowid);
      recording.markCommitted();
    });
    if (!body) recording.request = recording.writer('request');
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
    const { inline, size, sha256: digest } = this.request.finish();
    this.request = undefined;
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
    this.responseHeaders = headers;
    this.response = this.writer('response');
  }

  appendResponseBody(chunk: Buffer): void {
    this.response?.append(chunk);
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

  private save(durationMs: number, state: string, errorCode: string | null, errorMessage: string | null): void {
    this.endRequestBody();
    const body = this.response?.finish();
    const row = {
      status: this.status,
      headers: this.responseHeaders ? JSON.stringify(this.responseHeaders) : null,
      body: body ? body.inline : null,
      size: body?.size ?? null,
      sha256: body?.sha256 ?? null,
      durationMs,
      state,
      errorCode,
      errorMessage,
    };
    this.writes.run(this, ROW_BYTES + (body?.inline?.length ?? 0), () => this.statements.complete.run({ ...row, id: this.rowId }));
  }

  private markCommitted(): void {
    // Inside a batch the row is written but not yet committed: announce it after the commit.
    this.writes.whenCommitted(() => {
      const callbacks = this.committed ?? [];
      this.committed = undefined;
      for (const fn of callbacks) fn();
    });
  }

  private writer(part: Part): BodyWriter {
    return new BodyWriter((seq, data) => this.writes.run(this, data.length, () => this.statements.chunk.run(this.rowId, part, seq, data)));
  }
}
