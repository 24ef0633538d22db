// Reads a JSON request body from the page, with a size limit enforced while it streams in (RFC 9110 §15.5.14: 413).

import type { IncomingMessage } from 'node:http';
import { HttpError } from './router.js';

/** A 25 MiB body as base64 inside JSON, with room for the headers around it. */
export const MAX_ACTION_BYTES = 40 * 1024 * 1024;

export async function readJson(req: IncomingMessage, limit = MAX_ACTION_BYTES): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'the request body is not a JSON object');
}
