// Safe reads of webhook bodies for describe(): bodies may be binary, huge or hostile, so nothing here throws.

import { headerValue, type HeaderPairs } from '../exchange.js';

/** Bodies larger than this are not parsed just to label them; real event payloads are far smaller. */
const MAX_PARSE_BYTES = 2 * 1024 * 1024;

export type JsonObject = Record<string, unknown>;

/** The body as a JSON object, or null when it is not one (invalid JSON, an array, binary, too large). */
export function parseJsonObject(body: Buffer): JsonObject | null {
  if (body.length === 0 || body.length > MAX_PARSE_BYTES) return null;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return asObject(value);
  } catch {
    return null;
  }
}

export function asObject(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** A string field, or null when absent or not a string. */
export function stringField(object: JsonObject | null, key: string): string | null {
  const value = object?.[key];
  return typeof value === 'string' ? value : null;
}

/** A numeric field, or null when absent or not a finite number. */
export function numberField(object: JsonObject | null, key: string): number | null {
  const value = object?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** True when the Content-Type says HTML-form encoding (what Slack commands and Twilio send). */
export function isFormEncoded(headers: HeaderPairs): boolean {
  const type = headerValue(headers, 'content-type') ?? '';
  return type.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** Form fields, decoded as a form parser would ('+' is a space); empty when the body is too large to bother. */
export function parseForm(body: Buffer): URLSearchParams {
  return body.length > MAX_PARSE_BYTES ? new URLSearchParams() : new URLSearchParams(body.toString('utf8'));
}

