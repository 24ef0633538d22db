// One token by the name `relay token list` shows it, for the commands that act on one (`relay token revoke`,
// `relay name give`): they find it the same way, and fail the same way when it is not there.

import { UserError } from '../errors.js';
import { readGivenTokens, withoutTokenFile, type GivenTokens } from './given-tokens.js';
import type { RelayDb } from './relay-db.js';

export interface FoundToken {
  /** Hex SHA-256, as names' owners are stored. */
  digest: string;
  /** Only a stored token can be revoked by a command; the others are taken away where they are given. */
  source: 'stored' | 'environment' | 'token file';
}

/**
 * A stored token by its name, else a given one by its label. `db` is the relay's state, or a cluster node's stored
 * tokens read from its data directory (none on a machine without one). Unknown: `no_such_token` (with `missingHint`, what to do
 * in the caller's words); when the token file could not be read, an error that says the answer is not known.
 */
export function findToken(db: Pick<RelayDb, 'tokenDigests'>, name: string, given: GivenTokens, missingHint = 'run `hooktunnel relay token list` to see the names'): FoundToken {
  const stored = db.tokenDigests().find((row) => row.name === name);
  if (stored) return { digest: stored.digest, source: 'stored' };
  const read = readGivenTokens(given);
  const listed = read.tokens.find(({ record }) => record.label === name);
  if (listed) return { digest: listed.record.digest.toString('hex'), source: listed.source };
  // It may be one of the file's lines: "no token named" would be a guess.
  if (read.unreadable) throw withoutTokenFile(read.unreadable, `no stored token is named "${name}", and whether the file has one could not be checked`);
  throw new UserError(`no token named "${name}"`, { code: 'no_such_token', hint: missingHint });
}
