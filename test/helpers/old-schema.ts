// A capture database as hooktunnel left it before the indexes of schema 8 to 10 (replay_of; provider and event_type;
// path, failures and the out-of-order scope, with the verdict's problem code):
// what users' stores are when they first open them with this version, which builds those indexes from every row.

import Database from 'better-sqlite3';

export const SCHEMA_BEFORE_INDEXES = 7;

/** Takes a current file back to schema 7: steps 8 on undone (11: the sender_gone_ms column), the version it records set back. */
export function toSchemaBeforeIndexes(file: string): void {
  const db = new Database(file);
  try {
    db.exec('DROP INDEX exchanges_replays; DROP INDEX exchanges_provider; DROP INDEX exchanges_event_type;' +
      ' DROP INDEX exchanges_path; DROP INDEX exchanges_failed; DROP INDEX exchanges_order; ALTER TABLE exchanges DROP COLUMN order_scope;' +
      ' ALTER TABLE exchanges DROP COLUMN verification_problem; ALTER TABLE exchanges DROP COLUMN sender_gone_ms;' +
      ' CREATE INDEX exchanges_event_time ON exchanges(provider, event_at) WHERE provider IS NOT NULL;');
    db.pragma(`user_version = ${SCHEMA_BEFORE_INDEXES}`);
  } finally {
    db.close();
  }
}
