// Schema migrations, applied in order on open; PRAGMA user_version records how far a file has come.

import type Database from 'better-sqlite3';

const MIGRATIONS: string[] = [
  `CREATE TABLE exchanges (
     id INTEGER PRIMARY KEY,
     replay_of INTEGER REFERENCES exchanges(id) ON DELETE SET NULL,
     delivery_id TEXT UNIQUE,
     url TEXT,
     target TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     request_headers TEXT NOT NULL,
     request_body BLOB,
     request_size INTEGER NOT NULL DEFAULT 0,
     request_sha256 TEXT,
     status INTEGER,
     response_headers TEXT,
     response_body BLOB,
     response_size INTEGER,
     response_sha256 TEXT,
     duration_ms REAL,
     state TEXT NOT NULL DEFAULT 'pending',
     error_code TEXT,
     error_message TEXT,
     recorder_pid INTEGER
   );
   -- Bodies too large to keep in memory are written here in pieces as they stream in.
   CREATE TABLE body_chunks (
     exchange_id INTEGER NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
     part TEXT NOT NULL CHECK (part IN ('request', 'response')),
     seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (exchange_id, part, seq)
   );
   CREATE INDEX exchanges_pending ON exchanges(state) WHERE state = 'pending';`,
  // Webhook awareness: provider, event, signature check, duplicate and out-of-order marks.
  `ALTER TABLE exchanges ADD COLUMN provider TEXT;
   ALTER TABLE exchanges ADD COLUMN event_type TEXT;
   ALTER TABLE exchanges ADD COLUMN event_id TEXT;
   ALTER TABLE exchanges ADD COLUMN event_at INTEGER;
   ALTER TABLE exchanges ADD COLUMN verification TEXT;
   ALTER TABLE exchanges ADD COLUMN verification_reason TEXT;
   ALTER TABLE exchanges ADD COLUMN duplicate_of INTEGER;
   ALTER TABLE exchanges ADD COLUMN out_of_order INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX exchanges_event ON exchanges(provider, event_id) WHERE event_id IS NOT NULL;
   CREATE INDEX exchanges_event_time ON exchanges(provider, event_at);`,
  // Nothing lost: deliveries the relay answered itself, every attempt at them, retries that survive a restart, retention.
  `ALTER TABLE exchanges ADD COLUMN queued_reason TEXT;      -- 'offline' or 'ack': the relay answered the sender itself
   ALTER TABLE exchanges ADD COLUMN sender_status INTEGER;   -- what the sender was told then
   ALTER TABLE exchanges ADD COLUMN sender_body BLOB;
   ALTER TABLE exchanges ADD COLUMN late_by_ms INTEGER;      -- delivered from the relay's backlog this long after it arrived
   ALTER TABLE exchanges ADD COLUMN attempt_count INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE exchanges ADD COLUMN max_attempts INTEGER;    -- NULL: no automatic retries
   ALTER TABLE exchanges ADD COLUMN next_attempt_at INTEGER; -- an automatic attempt is due then; NULL: none pending
   ALTER TABLE exchanges ADD COLUMN lease_until INTEGER;     -- an attempt is running (by lease_pid) until then
   ALTER TABLE exchanges ADD COLUMN lease_pid INTEGER;
   CREATE INDEX exchanges_next_attempt ON exchanges(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
   CREATE INDEX exchanges_received ON exchanges(received_at);
   CREATE TABLE attempts (
     exchange_id INTEGER NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
     attempt INTEGER NOT NULL,
     started_at INTEGER NOT NULL,
     trigger TEXT NOT NULL,    -- 'auto' (first delivery and retries) or 'manual' (hooktunnel retry)
     status INTEGER,
     error_code TEXT,
     error_message TEXT,
     duration_ms REAL,
     PRIMARY KEY (exchange_id, attempt)
   );
   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`,
  // Delivery order: a delivery that reached the app after one received later names that one (retries do not hold back).
  // The two indexes keep that check to the few rows that can answer it, however long the backlog behind it.
  `ALTER TABLE exchanges ADD COLUMN delivered_at INTEGER;    -- start of the first attempt the app took (queued, retried)
   ALTER TABLE exchanges ADD COLUMN delivered_after INTEGER; -- a delivery received later that reached the app first
   CREATE INDEX exchanges_delivered ON exchanges(target, received_at) WHERE delivered_at IS NOT NULL;
   CREATE INDEX exchanges_live ON exchanges(target, received_at) WHERE max_attempts IS NULL AND delivery_id IS NOT NULL AND replay_of IS NULL;`,
  // Routes (hooktunnel.yml): the path prefix of the route that took the exchange; NULL without routes.
  // Redaction: the rules (JSON array, e.g. ["header:authorization"]) that took something out before it was stored.
  `ALTER TABLE exchanges ADD COLUMN route TEXT;
   ALTER TABLE exchanges ADD COLUMN redacted TEXT;`,
  // Most traffic is no known provider's: keeping those rows out of the (provider, event_at) index saves an index write
  // per recorded exchange. `provider = ?` (the only way it is queried) implies the condition, so it still answers.
  `DROP INDEX exchanges_event_time;
   CREATE INDEX exchanges_event_time ON exchanges(provider, event_at) WHERE provider IS NOT NULL;`,
  // An attempt sent with a fresh signature (the sender's had aged past its provider's window); the request row keeps
  // the headers as the sender sent them.
  `ALTER TABLE attempts ADD COLUMN resigned INTEGER NOT NULL DEFAULT 0;`,
  // Deleting an exchange sets replay_of to NULL in its replays (ON DELETE SET NULL), and SQLite finds them with a lookup
  // on replay_of: without an index that is a scan of the whole table per deleted row (a prune of 1,000 exchanges from a
  // 300,000-row store took over two minutes, holding the write lock that listen needs). Only replays are in it, so
  // recording an ordinary delivery writes nothing more.
  `CREATE INDEX exchanges_replays ON exchanges(replay_of) WHERE replay_of IS NOT NULL;`,
  // `ls --provider` / `--event` (and export, the TUI's filters): the newest matches, read backwards along an index whose
  // rows are in id order. Without them SQLite sorted every stripe exchange to return 20 (619 MB read from a 3.4 GB
  // store), or followed every row's overflow chain to reach event_type, stored after the body (2.5 GB). Only rows of
  // a known provider are in them: other traffic writes no page of either.
  `CREATE INDEX exchanges_provider ON exchanges(provider) WHERE provider IS NOT NULL;
   CREATE INDEX exchanges_event_type ON exchanges(event_type) WHERE event_type IS NOT NULL;`,
  // One step, so an upgrade reads every row once:
  // - `ls --path` / `--failed` (and export, the TUI's filters): on a 300,000-exchange store both read the table
  //   backwards from the newest row until 20 matched, every row when few or none did (0.6 s warm for a path never
  //   used, seconds cold). The path index costs one more write per recorded exchange (about 2 µs of CPU); the
  //   failures' index is partial: an exchange answered 2xx-4xx with a valid or no signature writes no page of it.
  //   Store.list's FAILED_ROW must stay this WHERE term for term, or SQLite will not use the index.
  // - The out-of-order mark compares an event's time with those of its own stream only (order-scope.ts: one Shopify
  //   shop's order, one Stripe object) and of its kind (delivery-kind.ts), not with all of its provider's.
  //   exchanges_order answers that with one seek,
  //   and holds only deliveries with an event time: GitHub's and Twilio's (none stated) write no page of it.
  // - What is wrong with an invalid signature, as a code the hints and --json read rather than the reason's words
  //   ('too_old', 'too_new', 'repeated_header'); NULL for any other verdict, and for verdicts recorded before it.
  `CREATE INDEX exchanges_path ON exchanges(path);
   CREATE INDEX exchanges_failed ON exchanges(state, status, verification)
     WHERE state IN ('failed', 'interrupted') OR status >= 500 OR verification = 'invalid';
   ALTER TABLE exchanges ADD COLUMN order_scope TEXT;
   DROP INDEX exchanges_event_time;
   CREATE INDEX exchanges_order ON exchanges(provider, order_scope, url IS NULL, event_at) WHERE event_at IS NOT NULL;
   ALTER TABLE exchanges ADD COLUMN verification_problem TEXT;`,
  // Two columns, NULL for older rows (adding them reads no row, so no upgrade notice). sender_gone_ms: the sender hung
  // up this long (ms) after the exchange began, and the app's answer that came after it is recorded (error_code
  // 'sender_gone', with the app's status and body): duration_ms is then the app's time, not the sender's.
  // provider_retry: why the provider sent a delivery again, where its headers say (Slack's `retry 1: http_timeout`).
  `ALTER TABLE exchanges ADD COLUMN sender_gone_ms REAL;
   ALTER TABLE exchanges ADD COLUMN provider_retry TEXT;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** A file written by a newer hooktunnel: nothing about the path or its permissions is wrong. */
export class NewerSchemaError extends Error {}

/** An update of a file with recorded exchanges that reads or rewrites every one of them. */
export interface Upgrade {
  exchanges: number;
}

/** Told about an update that takes a while: the command says so, or it looks hung. */
export interface UpgradeListener {
  /** Before the first step, once per open. */
  starting(upgrade: Upgrade): void;
  /** After the last one. */
  finished(upgrade: Upgrade, elapsedMs: number): void;
}

// Building an index reads every row of its table, and a data change or a dropped column rewrites rows: seconds on a
// store of weeks (see UPGRADE_MMAP_BYTES). Adding a column, creating a table or dropping an index changes only the
// schema. Comments are left out first: their words are not statements.
const READS_EVERY_ROW = /\bCREATE\s+(?:UNIQUE\s+)?INDEX\b|\bUPDATE\s+\w+\s+SET\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b|\bDROP\s+COLUMN\b/i;
export const readsEveryRow = (step: string): boolean => READS_EVERY_ROW.test(step.replace(/--[^\n]*/g, ''));

/**
 * While an update reads every row: pages through a memory map instead of a read() call each (and a copy into SQLite's
 * cache). The first open of a 300,000-exchange 3.3 GB store at schema 7 took 2.0-2.9 s instead of 4.0-4.8 s with the
 * file in the page cache, 5.8-6.9 s instead of 9.1-10.9 s from a cold one (a busy 2-vCPU VM). The same indexes: only
 * how the pages are read changes. SQLite maps at most 2 GiB (SQLITE_MAX_MMAP_SIZE); pages beyond are read as ever.
 */
const UPGRADE_MMAP_BYTES = 2 ** 31;

/**
 * Brings the file up to SCHEMA_VERSION; refuses a file written by a newer hooktunnel. `listener` hears of an update
 * that reads every recorded exchange (not of one for an empty file, or one that only changes the schema).
 */
export function migrate(db: Database.Database, listener?: UpgradeListener): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new NewerSchemaError(`the database has schema version ${current}, newer than this hooktunnel understands (${SCHEMA_VERSION})`);
  }
  if (current === SCHEMA_VERSION) return;
  const upgrade = slowUpgrade(db, current);
  if (!upgrade) return applySteps(db, current);
  listener?.starting(upgrade);
  const started = performance.now();
  // Only for the update: a page the disk cannot give kills a process that reads it mapped (SIGBUS), where read()
  // returns an error hooktunnel can report.
  const mapped = db.pragma('mmap_size', { simple: true }) as number;
  db.pragma(`mmap_size = ${UPGRADE_MMAP_BYTES}`);
  try {
    applySteps(db, current);
  } finally {
    db.pragma(`mmap_size = ${mapped}`);
  }
  listener?.finished(upgrade, performance.now() - started);
}

/** The update from `current`, when a step due reads every row and there are rows (version 0: not even the table). */
function slowUpgrade(db: Database.Database, current: number): Upgrade | undefined {
  if (current === 0 || !MIGRATIONS.slice(current).some(readsEveryRow)) return undefined;
  // SQLite counts along its smallest index, not the table: 0.1 s from a cold cache on a 3.3 GB store. Before the map
  // is set: mapped, those scattered pages took 1.8 s.
  const exchanges = db.prepare('SELECT count(*) FROM exchanges').pluck().get() as number;
  return exchanges > 0 ? { exchanges } : undefined;
}

/** Each step in a transaction of its own with its version: a process killed in one leaves it undone, to do again. */
function applySteps(db: Database.Database, current: number): void {
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      // Read again under the write lock: another process (a `wait` opening the file `listen` just created) may have
      // applied this step between the read above and this transaction.
      if ((db.pragma('user_version', { simple: true }) as number) > version) return;
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
