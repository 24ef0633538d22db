// The relay's own state: token digests and reserved names in one SQLite file (mode 0600) under --data-dir.

import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { newToken, tokenDigest } from '../../relay-server/auth.js';
import type { DeliveryQueue } from '../../relay-server/delivery-queue.js';
import type { ResumeStore } from '../../relay-server/resume-store.js';
import { UserError } from '../errors.js';
import { relayRunsOn } from './data-dir-lock.js';
import { dataDir } from '../paths.js';
import { SqliteDeliveryQueue } from './sqlite-queue.js';
import { sqliteResumeStore } from './sqlite-resume.js';
import { openedRelayFiles } from '../store/damaged.js';

// Applied in order; PRAGMA user_version records how far a file has come. Add new ones at the end.
const MIGRATIONS = [
  `CREATE TABLE tokens (
     name TEXT PRIMARY KEY,
     digest TEXT NOT NULL UNIQUE, -- hex SHA-256; the token itself is printed once and never stored
     created_at INTEGER NOT NULL
   );
   CREATE TABLE names (
     name TEXT PRIMARY KEY,
     owner TEXT NOT NULL,         -- hex SHA-256 of the token that claimed it
     claimed_at INTEGER NOT NULL
   );`,
  // Nothing lost: requests queued for clients that are away (or in acknowledge mode), and resume tokens.
  `CREATE TABLE queue (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, -- arrival order
     delivery_id TEXT NOT NULL UNIQUE,
     tunnel_id TEXT NOT NULL,
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     headers TEXT NOT NULL,      -- JSON [name, value] pairs, as received
     url TEXT NOT NULL,
     body BLOB NOT NULL,
     body_size INTEGER NOT NULL,
     received_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     reason TEXT NOT NULL,
     answer_status INTEGER NOT NULL,
     answer_body TEXT NOT NULL
   );
   CREATE INDEX queue_tunnel ON queue(tunnel_id, seq);
   CREATE INDEX queue_expiry ON queue(expires_at);
   CREATE TABLE resume (
     token_hash TEXT PRIMARY KEY, -- hex SHA-256 of a resume token
     tunnel_id TEXT NOT NULL,
     expires_at INTEGER           -- NULL while the client is connected
   );
   CREATE INDEX resume_tunnel ON resume(tunnel_id);`,
  // Acknowledge mode survives the client's absence (and a relay restart): senders get the answer the client asked for.
  `ALTER TABLE resume ADD COLUMN ack TEXT; -- JSON AckSettings from the client's HELLO; NULL: it does not acknowledge`,
  // Random ids (handed out by the relay) are taken back only with their resume token, never by --name. Rows written
  // before this column count as named, whatever they look like: a name a client asked for may look random (13 base32
  // letters, "stripewebhook"), and marking it random would lock its owner out of it after losing the resume token. A
  // random id among them stays open to --force, as before, until its client stays away past --resume-ttl (a resume
  // keeps the reservation's kind); ids handed out from now on are marked.
  `ALTER TABLE resume ADD COLUMN random INTEGER NOT NULL DEFAULT 0; -- 1: the relay handed the id out (listen without --name)`,
];

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface TokenRow {
  name: string;
  digest: string;
  createdAt: number;
  /** Reserved names this token owns. */
  names: string[];
}

/** $XDG_DATA_HOME/hooktunnel/relay: the relay's default --data-dir. */
export function defaultRelayDataDir(env: Record<string, string | undefined> = process.env): string {
  return join(dataDir(env), 'relay');
}

export class RelayDb {
  // The relay runs these on every upgrade and every 404; prepared once.
  private readonly hot;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
  ) {
    this.hot = {
      digests: db.prepare('SELECT name, digest FROM tokens'),
      owner: db.prepare('SELECT owner FROM names WHERE name = ?').pluck(),
      reserve: db.prepare('INSERT OR IGNORE INTO names (name, owner, claimed_at) VALUES (?, ?, ?)'),
    };
  }

  /** Opens (creating if needed) relay.db in the data directory: WAL, so `relay token ...` can write while the relay runs. */
  static open(dir: string): RelayDb {
    const path = join(dir, 'relay.db');
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const db = new Database(path);
      openedRelayFiles.add(path);
      chmodSync(path, 0o600);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      const version = db.pragma('user_version', { simple: true }) as number;
      for (let i = version; i < MIGRATIONS.length; i++) {
        db.transaction(() => {
          db.exec(MIGRATIONS[i]);
          db.pragma(`user_version = ${i + 1}`);
        })();
      }
      return new RelayDb(path, db);
    } catch (error) {
      throw new UserError(`could not open the relay's state ${path}: ${(error as Error).message}`, {
        hint: 'check --data-dir / HOOKTUNNEL_RELAY_DATA_DIR and its permissions',
        cause: error,
      });
    }
  }

  /** Stores the hash of a new token and returns the token; it cannot be shown again. */
  createToken(name: string | undefined, now = Date.now()): { name: string; token: string } {
    const tokenName = name ?? this.nextTokenName();
    if (!TOKEN_NAME.test(tokenName)) {
      throw new UserError(`token name "${tokenName}" must be 1-64 letters, digits, dots, dashes or underscores`, { exitCode: 2 });
    }
    if (this.db.prepare('SELECT 1 FROM tokens WHERE name = ?').get(tokenName)) {
      throw new UserError(`a token named "${tokenName}" already exists`, { hint: `revoke it first (hooktunnel relay token revoke ${tokenName}), or pick another --name` });
    }
    const token = newToken();
    this.db.prepare('INSERT INTO tokens (name, digest, created_at) VALUES (?, ?, ?)').run(tokenName, tokenDigest(token).toString('hex'), now);
    return { name: tokenName, token };
  }

  listTokens(): TokenRow[] {
    const rows = this.db.prepare('SELECT name, digest, created_at FROM tokens ORDER BY created_at, name').all() as { name: string; digest: string; created_at: number }[];
    const owned = this.db.prepare('SELECT name FROM names WHERE owner = ? ORDER BY name').pluck();
    return rows.map((row) => ({ name: row.name, digest: row.digest, createdAt: row.created_at, names: owned.all(row.digest) as string[] }));
  }

  /** Deletes a token; returns the names it still owns (they stay reserved until released), or undefined if unknown. */
  revokeToken(name: string): string[] | undefined {
    const row = this.db.prepare('SELECT digest FROM tokens WHERE name = ?').get(name) as { digest: string } | undefined;
    if (!row) return undefined;
    this.db.prepare('DELETE FROM tokens WHERE name = ?').run(name);
    return this.db.prepare('SELECT name FROM names WHERE owner = ? ORDER BY name').pluck().all(row.digest) as string[];
  }

  /** Digests of every stored token. */
  tokenDigests(): { name: string; digest: string }[] {
    return this.hot.digests.all() as { name: string; digest: string }[];
  }

  nameOwner(name: string): string | undefined {
    return this.hot.owner.get(name) as string | undefined;
  }

  reserveName(name: string, owner: string, now = Date.now()): void {
    this.hot.reserve.run(name, owner, now);
  }

  /** Reserved names with the name of the owning token (null: a token from a file or the environment, or a revoked one). */
  listNames(): { name: string; owner: string; tokenName: string | null; claimedAt: number }[] {
    const rows = this.db
      .prepare('SELECT n.name, n.owner, t.name AS token_name, n.claimed_at FROM names n LEFT JOIN tokens t ON t.digest = n.owner ORDER BY n.name')
      .all() as { name: string; owner: string; token_name: string | null; claimed_at: number }[];
    return rows.map((row) => ({ name: row.name, owner: row.owner, tokenName: row.token_name, claimedAt: row.claimed_at }));
  }

  /**
   * Frees a reserved name for the next token that asks; undefined when it was not reserved. Its resume reservation
   * goes too (a known id that no token owns is taken only by its resume token, handshake.ts, so the name would stay
   * shut until it expired), and so do the requests queued for it: they were sent to its old owner's URL. A client
   * still connected keeps the name until it leaves.
   */
  releaseName(name: string): { droppedQueued: number } | undefined {
    return this.db.transaction(() => {
      if (this.db.prepare('DELETE FROM names WHERE name = ?').run(name).changes === 0) return undefined;
      this.db.prepare('DELETE FROM resume WHERE tunnel_id = ?').run(name);
      return { droppedQueued: this.db.prepare('DELETE FROM queue WHERE tunnel_id = ?').run(name).changes };
    })();
  }

  /** Requests queued for a tunnel id and not yet expired: what its next client (or a `give`'s new owner) receives. */
  queuedFor(name: string, now = Date.now()): number {
    return this.db.prepare('SELECT count(*) FROM queue WHERE tunnel_id = ? AND expires_at > ?').pluck().get(name, now) as number;
  }

  /**
   * Is a client on this name now? The relay writes a NULL expiry while a client is connected (sqlite-resume.ts) and
   * clears them all when it starts, so a relay that was killed (kill -9, a crash) leaves its last clients standing
   * until it restarts: a record counts only while a relay holds the data directory's lock, without which nobody can
   * be connected.
   */
  isConnected(name: string): boolean {
    const recorded = this.db.prepare('SELECT 1 FROM resume WHERE tunnel_id = ? AND expires_at IS NULL').get(name) !== undefined;
    return recorded && relayRunsOn(dirname(this.path));
  }

  /**
   * Moves a reserved name to another token, keeping what is queued for it: unlike a release, the senders wrote to the
   * URL the new owner takes over, so its `listen --name` receives them as after any reconnect. The resume rows stay:
   * they only keep the id known; the old owner's client cannot come back on it, its token no longer owns the name.
   */
  giveName(name: string, owner: string, now = Date.now()): { queued: number } | undefined {
    return this.db.transaction(() => {
      if (this.db.prepare('UPDATE names SET owner = ?, claimed_at = ? WHERE name = ?').run(owner, now, name).changes === 0) return undefined;
      return { queued: this.queuedFor(name, now) };
    })();
  }

  /** The durable queue of requests answered by the relay, in this file. */
  deliveryQueue(): DeliveryQueue {
    return new SqliteDeliveryQueue(this.db);
  }

  /** Resume tokens (hashes) and the tunnel ids they bring back, in this file. */
  resumeStore(): ResumeStore {
    return sqliteResumeStore(this.db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private nextTokenName(): string {
    const names = new Set(this.db.prepare('SELECT name FROM tokens').pluck().all() as string[]);
    let n = names.size + 1;
    while (names.has(`token-${n}`)) n++;
    return `token-${n}`;
  }
}
