// Writing answers: JSON, text, and bytes (always as application/octet-stream, so a browser never renders them).

import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
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
