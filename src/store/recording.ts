// One exchange being recorded: its row exists from the first byte; bodies stream in and are hashed as they pass.

import { createHash, type Hash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { HeaderPairs } from '../exchange.js';

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
}

// Bodies are kept in memory up to this size and written in one piece; larger ones go to body_chunks as they stream.
const CHUNK_FLUSH_BYTES = 1024 * 1024;

type Part = 'request' | 'response';

/** Prepared once per database and shared by every recording. */
export function prepareRecordingStatements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO exchanges (delivery_id, replay_of, url, target, received_at, method, path, request_headers,
         request_body, request_size, request_sha256, recorder_pid)
       VALUES (@deliveryId, @replayOf, @url, @target, @receivedAt, @method, @path, @headers, @body, @size, @sha256, @pid)`,
    ),
    chunk: db.prepare(`INSERT INTO body_chunks (exchange_id, part, seq, data) VALUES (?, ?, ?, ?)`),
    requestBody: db.prepare(`UPDATE exchanges SET request_body = ?, request_size = ?, request_sha256 = ? WHERE id = ?`),
    complete: db.prepare(
      `UPDATE exchanges SET status = @status, response_headers = @headers, response_body = @body, response_size = @size,
         response_sha256 = @sha256, duration_ms = @durationMs, state = @state, error_code = @errorCode, error_message = @errorMessage
       WHERE id = @id`,
    ),
  };
}
export type RecordingStatements = ReturnType<typeof prepareRecordingStatements>;

/** Accumulates one body: hash and size always, bytes in memory until they are worth a chunk row. */
class BodyWriter {
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private seq = 0;
  size = 0;

  constructor(
    private readonly flushChunk: (seq: number, data: Buffer) => void,
  ) {}

  append(chunk: Buffer): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= CHUNK_FLUSH_BYTES) this.flush();
  }

  /** The inline body (null when it went out in chunks), its size and SHA-256. */
  finish(): { inline: Buffer | null; size: number; sha256: string } {
    const sha256 = this.hash.digest('hex');
    if (this.seq === 0) return { inline: Buffer.concat(this.pending), size: this.size, sha256 };
    this.flush();
    return { inline: null, size: this.size, sha256 };
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    this.flushChunk(this.seq++, Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export class Recording {
  private request: BodyWriter | undefined;
  private response: BodyWriter | undefined;
  private status: number | null = null;
  private responseHeaders: HeaderPairs | null = null;

  private constructor(
    private readonly statements: RecordingStatements,
    readonly id: number,
  ) {}

  /** Inserts the row; with the whole body at hand that is the only write until the response. */
  static begin(statements: RecordingStatements, start: ExchangeStart): Recording {
    const body = start.body;
    const { lastInsertRowid } = statements.insert.run({
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
    });
    const recording = new Recording(statements, Number(lastInsertRowid));
    if (!body) recording.request = recording.writer('request');
    return recording;
  }

  appendRequestBody(chunk: Buffer): void {
    this.request?.append(chunk);
  }

  endRequestBody(): void {
    if (!this.request) return;
    const { inline, size, sha256: digest } = this.request.finish();
    this.request = undefined;
    this.statements.requestBody.run(inline, size, digest, this.id);
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
    this.statements.complete.run({
      id: this.id,
      status: this.status,
      headers: this.responseHeaders ? JSON.stringify(this.responseHeaders) : null,
      body: body ? body.inline : null,
      size: body?.size ?? null,
      sha256: body?.sha256 ?? null,
      durationMs,
      state,
      errorCode,
      errorMessage,
    });
  }

  private writer(part: Part): BodyWriter {
    return new BodyWriter((seq, data) => this.statements.chunk.run(this.id, part, seq, data));
  }
}
