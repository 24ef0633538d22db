// Accumulates one body while it streams: hash and size always, bytes in memory until they are worth a chunk row.

import { createHash, type Hash } from 'node:crypto';

// Bodies are kept in memory up to this size and written in one piece; larger ones go to body_chunks as they stream.
const CHUNK_FLUSH_BYTES = 1024 * 1024;

export class BodyWriter {
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private seq = 0;
  size = 0;

  constructor(
    private readonly flushChunk: (seq: number, data: Buffer) => void,
    /** Keep the whole body in memory until finish (a redaction must see it whole before any byte is stored). */
    private readonly holdAll = false,
  ) {}

  append(chunk: Buffer): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= CHUNK_FLUSH_BYTES && !this.holdAll) this.flush();
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
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.flushChunk(this.seq++, data);
  }
}
