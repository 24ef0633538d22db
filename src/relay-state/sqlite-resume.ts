// Resume tokens in relay.db: hashes only, so a relay restart hands every client its URL back; with each, the client's
// acknowledge settings, so its senders keep getting its own answer while it is away, and whether the id was random.

import type Database from 'better-sqlite3';
import type { AckSettings } from '../protocol.js';
import type { Reservation, ResumeStore } from '../../relay-server/resume-store.js';

export function sqliteResumeStore(db: Database.Database): ResumeStore {
  const s = {
    find: db.prepare(`SELECT tunnel_id AS tunnelId, expires_at AS expiresAt, random FROM resume WHERE token_hash = ?`),
    clear: db.prepare(`DELETE FROM resume WHERE tunnel_id = ?`),
    insert: db.prepare(`INSERT OR REPLACE INTO resume (token_hash, tunnel_id, expires_at, ack, random) VALUES (?, ?, ?, ?, ?)`),
    ack: db.prepare(`SELECT ack FROM resume WHERE tunnel_id = ? AND (expires_at IS NULL OR expires_at > ?) LIMIT 1`).pluck(),
    release: db.prepare(`UPDATE resume SET expires_at = ? WHERE tunnel_id = ?`),
    extend: db.prepare(`UPDATE resume SET expires_at = max(expires_at, ?) WHERE tunnel_id = ? AND expires_at IS NOT NULL`),
    knows: db.prepare(`SELECT 1 FROM resume WHERE tunnel_id = ? AND (expires_at IS NULL OR expires_at > ?) LIMIT 1`).pluck(),
    random: db.prepare(`SELECT random FROM resume WHERE tunnel_id = ? AND (expires_at IS NULL OR expires_at > ?) LIMIT 1`).pluck(),
    releaseAll: db.prepare(`UPDATE resume SET expires_at = ? WHERE expires_at IS NULL`),
    sweep: db.prepare(`DELETE FROM resume WHERE expires_at IS NOT NULL AND expires_at <= ?`),
  };
  const save = db.transaction((hash: string, { tunnelId, expiresAt, random }: Reservation, ack: AckSettings | undefined) => {
    s.clear.run(tunnelId);
    s.insert.run(hash, tunnelId, expiresAt, ack ? JSON.stringify(ack) : null, random ? 1 : 0);
  });
  return {
    find: (hash) => {
      const row = s.find.get(hash) as (Omit<Reservation, 'random'> & { random: number }) | undefined;
      return row && { ...row, random: row.random === 1 };
    },
    save: (hash, reservation, ack) => save(hash, reservation, ack),
    ackFor: (tunnelId, now) => parseAck(s.ack.get(tunnelId, now) as string | null | undefined),
    release: (tunnelId, at) => void s.release.run(at, tunnelId),
    extend: (tunnelId, at) => void s.extend.run(at, tunnelId),
    knows: (tunnelId, now) => s.knows.get(tunnelId, now) !== undefined,
    isRandom: (tunnelId, now) => s.random.get(tunnelId, now) === 1,
    releaseAll: (at) => void s.releaseAll.run(at),
    sweep: (now) => void s.sweep.run(now),
  };
}

/** Written by save() above; a row that does not parse (edited by hand) counts as not acknowledging. */
function parseAck(json: string | null | undefined): AckSettings | undefined {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as AckSettings;
  } catch {
    return undefined;
  }
}
