// Resume tokens in relay.db: hashes only, so a relay restart hands every client its URL back.

import type Database from 'better-sqlite3';
import type { Reservation, ResumeStore } from '../../relay-server/resume-store.js';

export function sqliteResumeStore(db: Database.Database): ResumeStore {
  const s = {
    find: db.prepare(`SELECT tunnel_id AS tunnelId, expires_at AS expiresAt FROM resume WHERE token_hash = ?`),
    clear: db.prepare(`DELETE FROM resume WHERE tunnel_id = ?`),
    insert: db.prepare(`INSERT OR REPLACE INTO resume (token_hash, tunnel_id, expires_at) VALUES (?, ?, ?)`),
    release: db.prepare(`UPDATE resume SET expires_at = ? WHERE tunnel_id = ?`),
    extend: db.prepare(`UPDATE resume SET expires_at = max(expires_at, ?) WHERE tunnel_id = ? AND expires_at IS NOT NULL`),
    knows: db.prepare(`SELECT 1 FROM resume WHERE tunnel_id = ? AND (expires_at IS NULL OR expires_at > ?) LIMIT 1`).pluck(),
    releaseAll: db.prepare(`UPDATE resume SET expires_at = ? WHERE expires_at IS NULL`),
    sweep: db.prepare(`DELETE FROM resume WHERE expires_at IS NOT NULL AND expires_at <= ?`),
  };
  const save = db.transaction((hash: string, tunnelId: string, expiresAt: number | null) => {
    s.clear.run(tunnelId);
    s.insert.run(hash, tunnelId, expiresAt);
  });
  return {
    find: (hash) => s.find.get(hash) as Reservation | undefined,
    save: (hash, tunnelId, expiresAt) => save(hash, tunnelId, expiresAt),
    release: (tunnelId, at) => void s.release.run(at, tunnelId),
    extend: (tunnelId, at) => void s.extend.run(at, tunnelId),
    knows: (tunnelId, now) => s.knows.get(tunnelId, now) !== undefined,
    releaseAll: (at) => void s.releaseAll.run(at),
    sweep: (now) => void s.sweep.run(now),
  };
}
