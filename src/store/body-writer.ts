// Accumulates one body while it streams: size always, bytes in memory until they are worth a chunk row. A body that
// stays in memory (almost every webhook) is hashed once at the end; one that goes out in chunks is hashed as it passes.

import { createHash, type Hash } from 'node:crypto';
import { sha256Hex } from './sha256.js';

// Bodies are kept in memory up to this size and written in one piece; larger ones go to body_chunks as they stream.
const CHUNK_FLUSH_BYTES = 1024 * 1024;

export class BodyWriter {
  /** Started at the first chunk row; until then the bytes are all in `pending`. */
  private hash: Hash | undefined;
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
    this.hash?.update(chunk);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= CHUNK_FLUSH_BYTES && !this.holdAll) this.flush();
  }

  /** The inline body (null when it went out in chunks), its size and SHA-256. */
  finish(): { inline: Buffer | null; size: number; sha256: string } {
    if (this.seq === 0) {
      const inline = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      return { inline, size: this.size, sha256: sha256Hex(inline) };
    }
    this.flush();
    return { inline: null, size: this.size, sha256: this.hash!.digest('hex') };
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    if (!this.hash) {
      this.hash = createHash('sha256');
      for (const chunk of this.pending) this.hash.update(chunk);
    }
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.flushChunk(this.seq++, data);
  }
}
