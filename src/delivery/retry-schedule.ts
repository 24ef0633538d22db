// When a failed delivery to the local app is tried again: 1 s, 2 s, 4 s ... doubling, capped. No jitter: the only
// receiver is the developer's own app, and a predictable schedule is easier to watch.

import { parseDuration } from '../duration.js';
import { usageError } from '../errors.js';

/** First retry after this long (listen --retry-base / HOOKTUNNEL_RETRY_BASE). */
export const RETRY_BASE_MS = 1_000;
/** No retry waits longer than this: a dev server that comes back is noticed within minutes. */
export const RETRY_CAP_MS = 5 * 60_000;
/** Attempts in all (the first included), unless listen --max-attempts says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/** Delay before the next attempt after `failedAttempts` failed ones (1 → base, 2 → 2·base, ...). */
export function retryDelay(failedAttempts: number, baseMs = RETRY_BASE_MS, capMs = RETRY_CAP_MS): number {
  const exponent = Math.min(Math.max(failedAttempts, 1) - 1, 30);
  return Math.min(capMs, baseMs * 2 ** exponent);
}

/** The whole schedule for `maxAttempts`, for help text and tests: the waits between consecutive attempts. */
export function retrySchedule(maxAttempts: number, baseMs = RETRY_BASE_MS, capMs = RETRY_CAP_MS): number[] {
  return Array.from({ length: Math.max(0, maxAttempts - 1) }, (_, i) => retryDelay(i + 1, baseMs, capMs));
}

/** --retry-base, or hooktunnel.yml's retry-base (`name` says which): a duration of at least 1 ms. */
export function parseRetryBase(text: string, name: string): number {
  const ms = parseDuration(text, name);
  if (ms < 1) throw usageError(`${name} "${text}" must be at least 1ms`);
  return ms;
}
