// The resume tokens `listen` was handed, kept in the data directory (mode 0600) so a restarted listen gets the same URL.
// Keyed by relay, target and name: another target or relay never gets this tunnel back.

import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dataDir } from '../paths.js';
import { isAlive } from '../store/process-alive.js';

type Env = Record<string, string | undefined>;

export function resumeFilePath(env: Env = process.env): string {
  return join(dataDir(env), 'resume-tokens.json');
}

export function resumeKey(relayUrl: string, target: string, name: string | undefined): string {
  return `${relayUrl} ${target} ${name ?? ''}`;
}

interface Entry {
  token: string;
  savedAt: number;
  /** The listen using it: while that process runs, another listen for the same target gets its own URL instead. */
  pid: number;
}

function read(path: string): Record<string, Entry> {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, Entry>) : {};
  } catch {
    // Missing or damaged: no token, so the relay hands out a fresh id.
    return {};
  }
}

/** The token of an earlier listen for this key, unless that listen is still running (it would be displaced). */
export function loadResumeToken(path: string, key: string): string | undefined {
  const entry = read(path)[key];
  if (typeof entry?.token !== 'string') return undefined;
  return entry.pid !== process.pid && isAlive(entry.pid) ? undefined : entry.token;
}

/** Kept entries: a developer's relays × targets, never more than this. */
const MAX_ENTRIES = 200;

/** Writes atomically (temp file + rename), so a kill mid-write leaves the old file. Failures are the caller's to ignore. */
export function saveResumeToken(path: string, key: string, token: string, now = Date.now()): void {
  const entries = read(path);
  if (entries[key]?.token === token && entries[key]?.pid === process.pid) return;
  entries[key] = { token, savedAt: now, pid: process.pid };
  const kept = Object.entries(entries).sort(([, a], [, b]) => b.savedAt - a.savedAt).slice(0, MAX_ENTRIES);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(Object.fromEntries(kept), null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}
