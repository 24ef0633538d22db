// Where the relay keeps resume tokens (as SHA-256 hashes) and the tunnel ids they bring back.
// In memory by default; `hooktunnel relay` passes the SQLite one from src/relay-state/ so a restart keeps every URL.

export interface Reservation {
  tunnelId: string;
  /** When a disconnected id is forgotten; null while its client is connected. */
  expiresAt: number | null;
}

export interface ResumeStore {
  find(tokenHash: string): Reservation | undefined;
  /** The id's one reservation from now on (earlier tokens for it stop working). */
  save(tokenHash: string, tunnelId: string, expiresAt: number | null): void;
  /** The client went away: its id is kept until `at`. */
  release(tunnelId: string, at: number): void;
  /** Keeps a disconnected id at least until `at` (requests are queued for it). */
  extend(tunnelId: string, at: number): void;
  /** Connected, or disconnected and not yet expired. */
  knows(tunnelId: string, now: number): boolean;
  /** On start: ids marked connected by an earlier process are disconnected now, kept until `at`. */
  releaseAll(at: number): void;
  /** Forgets expired reservations. */
  sweep(now: number): void;
}

export function memoryResumeStore(): ResumeStore {
  const byHash = new Map<string, Reservation>();
  const each = (tunnelId: string, fn: (r: Reservation) => void) => {
    for (const r of byHash.values()) if (r.tunnelId === tunnelId) fn(r);
  };
  return {
    find: (hash) => byHash.get(hash),
    save(hash, tunnelId, expiresAt) {
      for (const [key, r] of byHash) if (r.tunnelId === tunnelId) byHash.delete(key);
      byHash.set(hash, { tunnelId, expiresAt });
    },
    release: (tunnelId, at) => each(tunnelId, (r) => (r.expiresAt = at)),
    extend: (tunnelId, at) => each(tunnelId, (r) => (r.expiresAt = r.expiresAt === null ? null : Math.max(r.expiresAt, at))),
    knows(tunnelId, now) {
      for (const r of byHash.values()) if (r.tunnelId === tunnelId && (r.expiresAt === null || r.expiresAt > now)) return true;
      return false;
    },
    releaseAll(at) {
      for (const r of byHash.values()) if (r.expiresAt === null) r.expiresAt = at;
    },
    sweep(now) {
      for (const [key, r] of byHash) if (r.expiresAt !== null && r.expiresAt <= now) byHash.delete(key);
    },
  };
}
