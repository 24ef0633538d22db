// Writing answers: JSON, text, and bytes (always as application/octet-stream, so a browser never renders them).

import type { ServerResponse } from 'node:http';
import { exactJsonText } from '../output/json-text.js';

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendJsonText(res, status, JSON.stringify(value));
}

/**
 * For values read from bodies by parseJsonExact (the diff): an integer past 2^53 is written digit for digit, unquoted,
 * as `hooktunnel diff --json` writes it; JSON.stringify would make it a string.
 */
export function sendExactJson(res: ServerResponse, status: number, value: unknown): void {
  sendJsonText(res, status, exactJsonText(value));
}

function sendJsonText(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

/**
 * Webhook bytes: never sniffed, never shown inline, always a download when opened directly. Filenames are ours
 * (ids and part names), never taken from the request.
 */
export function sendBytes(res: ServerResponse, bytes: Buffer, filename: string, extra: Record<string, string | number> = {}): void {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Content-Length': bytes.length,
    ...extra,
  });
  res.end(bytes);
}
