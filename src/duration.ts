// Parses human durations for flags: "45s", "2m", "500ms", "1h", "7d"; a bare number is seconds.

import { usageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Returns milliseconds. Throws a usage error naming the flag and the value. */
export function parseDuration(value: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) {
    throw usageError(`${flag} "${value}" is not a duration`, 'use a number of seconds or a value like 500ms, 45s, 2m, 1h, 7d');
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's'];
  // 0 means "forever" to --timeout: a tiny duration must not round to it.
  return ms > 0 ? Math.max(1, Math.round(ms)) : 0;
}

/** Formats milliseconds for humans: 850ms, 1.2s, 3m 5s, 2h 10m, 30d 0h. */
export function formatDuration(ms: number): string {
  if (ms < 999.5) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  // Rounded once, then split: rounding each part on its own gave "2m 60s".
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  if (hours >= 24) return `${Math.floor(hours / 24)}d ${hours % 24}h`;
  if (hours > 0) return `${hours}h ${minutes % 60}m`;
  return `${minutes}m ${seconds % 60}s`;
}

/** Parses a byte size: "25mb", "26214400", "100MiB" (binary units: 1 KB = 1024 bytes). */
export function parseBytes(value: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(value);
  if (!match) throw usageError(`${flag} "${value}" is not a size`, 'use bytes or a value like 512kb, 25mb, 1gb');
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const scale = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(match[1]) * scale);
}
