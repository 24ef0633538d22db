// Parses human durations for flags: "45s", "2m", "500ms", "1h", "7d"; a bare number is seconds.

import { usageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Returns milliseconds. Throws a usage error naming the flag and the value. */
export function parseDuration(value: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) {
    throw usageError(`${flag} "${value}" is not a duration`, 'use a number of seconds or a value like 500ms, 45s, 2m, 1h, 7d');
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']);
}

/** Formats milliseconds for humans: 850ms, 1.2s, 3m 5s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${Math.round((ms % 60_000) / 1000)}s`;
}

/** Parses a byte size: "25mb", "26214400", "100MiB" (binary units: 1 KB = 1024 bytes). */
export function parseBytes(value: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(value);
  if (!match) throw usageError(`${flag} "${value}" is not a size`, 'use bytes or a value like 512kb, 25mb, 1gb');
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const scale = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(match[1]) * scale);
}
