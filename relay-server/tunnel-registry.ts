// Which tunnel ids exist: connected clients, reserved names, and resume tokens that bring a client back to its id.

import { createHash, randomBytes } from 'node:crypto';
import { tunnelNameProblem, type AckSettings, type HelloMeta } from '../src/protocol.js';
import { memoryResumeStore, type ResumeStore } from './resume-store.js';
import type { TunnelConnection } from './tunnel-connection.js';

export type Claim =
  /** `random`: the relay handed the id out (see Reservation.random), kept with its reservation by attach(). */
  | { ok: true; id: string; resumeToken: string; random: boolean; displaced?: TunnelConnection }
  | { ok: false; code: string; message: string; fatal: boolean };

/**
 * Why a client may not take another client's random id by name, on any relay: its URL is no secret (it sits in a
 * provider's webhook settings), and taking it would displace that client and take the requests queued for it. Its
 * resume token brings it back. With tokens the same goes for any known id no token owns: every name is bound to the
 * token that claimed it, so such an id is a random one (or a name claimed before the relay had tokens, which
 * `relay name release` frees at once).
 */
export const anotherClientsId = (name: string) =>
  `name "${name}" is the URL of another client's tunnel on this relay, and only that client can come back on it; pick another --name`;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 13 base32 characters = 65 bits: not guessable (smee uses 96, DEFAULTS.md asks ≥ 64). Lowercase, so it fits a subdomain. */
export function randomTunnelId(): string {
  const bytes = randomBytes(9);
  let bits = 0;
  let value = 0;
  let id = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && id.length < 13) {
      id += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return id;
}

/** How a resume token is kept (never the token itself); a cluster's Redis keys use the same. */
export const resumeTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export class TunnelRegistry {
  private readonly connected = new Map<string, TunnelConnection>();
  private lastSweep = 0;

  /** `resume` holds sha256(resume token) → id, and how long a disconnected id stays reserved. */
  constructor(
    private readonly resumeTtlMs: number,
    private readonly resume: ResumeStore = memoryResumeStore(),
  ) {}

  /**
   * Ids an earlier process saw connected count as disconnected from now on (a relay restart keeps every URL for
   * resumeTtlMs). Called once this relay holds its port: a relay that fails to start (the port is taken, by the relay
   * that still serves those tunnels) must not touch their rows.
   */
  adoptEarlierTunnels(now = Date.now()): void {
    this.resume.releaseAll(now + this.resumeTtlMs);
  }

  get(id: string): TunnelConnection | undefined {
    return this.connected.get(id);
  }

  get size(): number {
    return this.connected.size;
  }

  all(): IterableIterator<TunnelConnection> {
    return this.connected.values();
  }

  /** Tunnels open with this token. */
  countFor(tokenKey: string): number {
    let count = 0;
    for (const connection of this.connected.values()) if (connection.tokenKey === tokenKey) count++;
    return count;
  }

  /** Was this id connected recently enough that its client may come back (a name, or a random id within its resume TTL)? */
  knows(id: string, now = Date.now()): boolean {
    return this.connected.has(id) || this.resume.knows(id, now);
  }

  /** Does `resumeToken` bring `id` back now (it is the id's current token, and the id has not expired)? */
  resumes(id: string, resumeToken: string | undefined, now = Date.now()): boolean {
    const reservation = resumeToken ? this.resume.find(resumeTokenHash(resumeToken)) : undefined;
    return reservation !== undefined && reservation.tunnelId === id && (reservation.expiresAt === null || reservation.expiresAt > now);
  }

  /** The acknowledge settings the id's client sent in its last HELLO, kept while the id is known (see knows()). */
  ackFor(id: string, now = Date.now()): AckSettings | undefined {
    const connection = this.connected.get(id);
    return connection ? connection.ack : this.resume.ackFor(id, now);
  }

  /** Keeps a disconnected id reserved at least until `until` (requests wait in the queue for it). */
  holdUntil(id: string, until: number): void {
    try {
      this.resume.extend(id, until);
    } catch {
      // The store cannot take it now (disk full): the request is stored, and its id stays reserved for its resume TTL.
    }
  }

  /** Decides which id a HELLO gets. Does not attach; call attach() once the connection exists. */
  claim(hello: HelloMeta, now = Date.now()): Claim {
    this.sweep(now);
    const reservation = hello.resumeToken ? this.resume.find(resumeTokenHash(hello.resumeToken)) : undefined;
    const resumed = reservation && (reservation.expiresAt === null || reservation.expiresAt > now) ? reservation : undefined;
    const resumeToken = resumed ? hello.resumeToken! : randomBytes(24).toString('base64url');

    if (hello.name !== undefined) {
      const problem = tunnelNameProblem(hello.name);
      if (problem) return { ok: false, code: 'bad_name', message: problem, fatal: true };
      const holder = this.connected.get(hello.name);
      const ownsIt = resumed?.tunnelId === hello.name;
      // Before --force is looked at: it takes names over, never a random id (see anotherClientsId).
      if (!ownsIt && this.resume.isRandom(hello.name, now)) {
        return { ok: false, code: 'name_reserved', message: anotherClientsId(hello.name), fatal: true };
      }
      if (holder && !ownsIt && !hello.force) {
        return {
          ok: false,
          code: 'name_taken',
          message: `name "${hello.name}" is in use by another connected client; pass --force to take it over`,
          fatal: true,
        };
      }
      // Its own client naming its random id (resume token in hand) must not turn it into a name others can --force.
      const random = ownsIt && resumed.random;
      return { ok: true, id: hello.name, resumeToken: ownsIt ? resumeToken : randomBytes(24).toString('base64url'), random, displaced: holder };
    }
    if (resumed) return { ok: true, id: resumed.tunnelId, resumeToken, random: resumed.random, displaced: this.connected.get(resumed.tunnelId) };
    let id = randomTunnelId();
    while (this.knows(id, now)) id = randomTunnelId();
    return { ok: true, id, resumeToken, random: true };
  }

  attach(connection: TunnelConnection, claim: { resumeToken: string; random: boolean }): void {
    // Saved first: a store that cannot take it (disk full) fails the handshake and leaves nothing half attached.
    this.resume.save(resumeTokenHash(claim.resumeToken), { tunnelId: connection.id, expiresAt: null, random: claim.random }, connection.ack);
    this.connected.set(connection.id, connection);
  }

  /** A closed connection keeps its id reserved for resumeTtlMs, unless another connection already took the id. */
  detach(connection: TunnelConnection, now = Date.now()): void {
    if (this.connected.get(connection.id) !== connection) return;
    this.connected.delete(connection.id);
    try {
      this.resume.release(connection.id, now + this.resumeTtlMs);
    } catch {
      // The store is gone (the relay is stopping): the next start releases every id it finds connected.
    }
  }

  private sweep(now: number): void {
    // At most once a minute: a sweep walks every reservation.
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    this.resume.sweep(now);
  }
}
