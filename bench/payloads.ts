// What the bench sends: a 1 KB JSON webhook, large random bodies, and the header that lets the target check them.

import { createHash, randomBytes } from 'node:crypto';

/** The target checks the SHA-256 of each body against this header. */
export const EXPECTED_SHA_HEADER = 'x-expected-sha256';
/** The target's counters, read directly (never through the tunnel). */
export const STATS_PATH = '/__bench/stats';

export interface TargetStats {
  requests: number;
  bytes: number;
  checked: number;
  mismatches: number;
}

export const MiB = 1024 * 1024;

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export interface Payload {
  body: Buffer;
  headers: Record<string, string>;
}

/** A webhook-shaped JSON body of exactly 1,024 bytes, with the headers a provider would send. */
export function jsonPayload1k(): Payload {
  const event = {
    id: 'evt_1QbEnchHooktunnel0000001',
    object: 'event',
    type: 'invoice.paid',
    created: 1_735_689_600,
    data: { object: { id: 'in_1QbEnch0000000001', amount_paid: 4200, currency: 'usd', pad: '' } },
  };
  const bare = Buffer.byteLength(JSON.stringify(event));
  event.data.object.pad = 'x'.repeat(1024 - bare);
  const body = Buffer.from(JSON.stringify(event));
  if (body.length !== 1024) throw new Error(`1 KB payload came out at ${body.length} bytes`);
  return { body, headers: { 'content-type': 'application/json', [EXPECTED_SHA_HEADER]: sha256(body) } };
}

/** Random bytes (so nothing along the way can compress or dedupe them). */
export function binaryPayload(bytes: number): Payload {
  const body = randomBytes(bytes);
  return { body, headers: { 'content-type': 'application/octet-stream', [EXPECTED_SHA_HEADER]: sha256(body) } };
}
