// Where the relay keeps resume tokens (as SHA-256 hashes) and the tunnel ids they bring back.
// In memory by default; `hooktunnel relay` passes the SQLite one from src/relay-state/ so a restart keeps every URL.
// Each id also keeps its client's acknowledge settings, so the relay answers as the client asked while it is away, and
// whether the relay handed it out (random) or a client asked for it (--name): only a named id can be taken by name.

import type { AckSettings } from '../src/protocol.js';

export interface Reservation {
  tunnelId: string;
  /** When a disconnected id is forgotten; null while its client is connected. */
  expiresAt: number | null;
  /**
   * The relay handed the id out (a listen without --name): only its resume token brings it back, never a --name, with
   * or without --force. False for a name a client asked for, which --force takes over and anyone claims once away.
   */
  random: boolean;
}

export interface ResumeStore {
  find(tokenHash: string): Reservation | undefined;
  /**
   * The id's one reservation from now on (earlier tokens for it stop working), with the acknowledge settings its client
   * sent in HELLO; none means the client does not acknowledge (any earlier settings are forgotten).
   */
  save(tokenHash: string, reservation: Reservation, ack?: AckSettings): void;
  /** The acknowledge settings of a connected id, or of a disconnected one not yet expired. */
  ackFor(tunnelId: string, now: number): AckSettings | undefined;
  /** The client went away: its id is kept until `at`. */
  release(tunnelId: string, at: number): void;
  /** Keeps a disconnected id at least until `at` (requests are queued for it). */
  extend(tunnelId: string, at: number): void;
  /** Connected, or disconnected and not yet expired. */
  knows(tunnelId: string, now: number): boolean;
  /** Known (as knows()) and handed out by the relay: see Reservation.random. */
  isRandom(tunnelId: string, now: number): boolean;
  /** On start: ids marked connected by an earlier process are disconnected now, kept until `at`. */
  releaseAll(at: number): void;
  /** Forgets expired reservations. */
  sweep(now: number): void;
}

type Entry = Reservation & { ack?: AckSettings };

const live = (r: Entry, now: number) => r.expiresAt === null || r.expiresAt > now;

export function memoryResumeStore(): ResumeStore {
  const byHash = new Map<string, Entry>();
  const each = (tunnelId: string, fn: (r: Entry) => void) => {
    for (const r of byHash.values()) if (r.tunnelId === tunnelId) fn(r);
  };
  return {
    find(hash) {
      const r = byHash.get(hash);
      return r && { tunnelId: r.tunnelId, expiresAt: r.expiresAt, random: r.random };
    },
    save(hash, { tunnelId, expiresAt, random }, ack) {
      for (const [key, r] of byHash) if (r.tunnelId === tunnelId) byHash.delete(key);
      byHash.set(hash, { tunnelId, expiresAt, random, ...(ack ? { ack } : {}) });
    },
    ackFor(tunnelId, now) {
      for (const r of byHash.values()) if (r.tunnelId === tunnelId && live(r, now)) return r.ack;
      return undefined;
    },
    release: (tunnelId, at) => each(tunnelId, (r) => (r.expiresAt = at)),
    extend: (tunnelId, at) => each(tunnelId, (r) => (r.expiresAt = r.expiresAt === null ? null : Math.max(r.expiresAt, at))),
    knows(tunnelId, now) {
      for (const r of byHash.values()) if (r.tunnelId === tunnelId && live(r, now)) return true;
      return false;
    },
    isRandom(tunnelId, now) {
      for (const r of byHash.values()) if (r.tunnelId === tunnelId && live(r, now)) return r.random;
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
