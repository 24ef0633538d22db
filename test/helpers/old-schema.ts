// Capture databases as earlier versions of hooktunnel left them: what users' stores are when they first open them
// with this version.

import Database from 'better-sqlite3';

export const SCHEMA_BEFORE_INDEXES = 7;

/** The schema before step 11 (the sender_gone_ms and provider_retry columns): every index and column of 8 to 10. */
export const SCHEMA_BEFORE_RETRY = 10;

/**
 * Takes a current file back to schema 7, before the indexes of schema 8 to 10 (replay_of; provider and event_type;
 * path, failures and the out-of-order scope, with the verdict's problem code), which the update builds from every row,
 * and the columns of 11.
 */
export function toSchemaBeforeIndexes(file: string): void {
  const db = new Database(file);
  try {
    db.exec('DROP INDEX exchanges_replays; DROP INDEX exchanges_provider; DROP INDEX exchanges_event_type;' +
      ' DROP INDEX exchanges_path; DROP INDEX exchanges_failed; DROP INDEX exchanges_order; ALTER TABLE exchanges DROP COLUMN order_scope;' +
      ' ALTER TABLE exchanges DROP COLUMN verification_problem; ALTER TABLE exchanges DROP COLUMN sender_gone_ms;' +
      ' ALTER TABLE exchanges DROP COLUMN provider_retry;' +
      ' CREATE INDEX exchanges_event_time ON exchanges(provider, event_at) WHERE provider IS NOT NULL;');
    db.pragma(`user_version = ${SCHEMA_BEFORE_INDEXES}`);
  } finally {
    db.close();
  }
}

/** Takes a current file back to schema 10: without the columns step 11 adds (sender_gone_ms, provider_retry). */
export function toSchemaBeforeRetry(file: string): void {
  const db = new Database(file);
  try {
    db.exec('ALTER TABLE exchanges DROP COLUMN sender_gone_ms; ALTER TABLE exchanges DROP COLUMN provider_retry;');
    db.pragma(`user_version = ${SCHEMA_BEFORE_RETRY}`);
  } finally {
    db.close();
  }
}
