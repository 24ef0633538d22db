// BodyWriter: a body kept in memory is hashed once at the end, one that goes out in chunk rows is hashed as it passes;
// either way the SHA-256 and the bytes must be those of the whole body, however it was split.

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BodyWriter } from '../../src/store/body-writer.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function write(body: Buffer, pieceSize: number, holdAll = false) {
  const chunks: Buffer[] = [];
  const writer = new BodyWriter((seq, data) => {
    expect(seq).toBe(chunks.length);
    chunks.push(Buffer.from(data));
  }, holdAll);
  for (let at = 0; at < body.length; at += pieceSize) writer.append(body.subarray(at, at + pieceSize));
  return { ...writer.finish(), chunks };
}

describe('BodyWriter', () => {
  it.each([
    ['empty', 0, 1],
    ['one piece', 1000, 1000],
    ['many small pieces', 5000, 7],
    ['just under a chunk row', MiB - 1, 64 * 1024],
  ])('keeps a small body (%s) inline with its SHA-256', (_name, size, piece) => {
    const body = randomBytes(size);
    const result = write(body, piece);
    expect(result.chunks).toEqual([]);
    expect(result.inline).toEqual(body);
    expect(result.size).toBe(size);
    expect(result.sha256).toBe(sha256(body));
  });

  it.each([
    ['exactly one chunk row', MiB, 256 * 1024],
    ['a few rows and a tail', 3 * MiB + 12_345, 256 * 1024],
    ['odd pieces across the first row', 2 * MiB + 1, 99_999],
  ])('writes a large body (%s) in chunk rows, hashed across every row', (_name, size, piece) => {
    const body = randomBytes(size);
    const result = write(body, piece);
    expect(result.inline).toBeNull();
    expect(Buffer.concat(result.chunks)).toEqual(body);
    expect(result.size).toBe(size);
    expect(result.sha256).toBe(sha256(body));
  });

  it('holds a large body whole when asked (redaction must see it all), still with the right SHA-256', () => {
    const body = randomBytes(2 * MiB + 3);
    const result = write(body, 256 * 1024, true);
    expect(result.chunks).toEqual([]);
    expect(result.inline).toEqual(body);
    expect(result.sha256).toBe(sha256(body));
  });
});
