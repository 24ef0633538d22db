// `relay name give <name> <token>`: hands a reserved name to another token with its queue, so rotating a teammate's
// token loses none of the webhooks its senders were answered 202 for meanwhile (a release would drop them).

import { UserError } from '../../errors.js';
import { jsonText } from '../../output/json-text.js';
import { sanitize } from '../../sanitize.js';
import type { GivenTokens } from '../../relay-state/given-tokens.js';
import { findToken } from '../../relay-state/token-lookup.js';
import { withDb } from './relay-token.js';

export function giveName(dataDir: string | undefined, name: string, token: string, given: GivenTokens, json = false): void {
  const notReserved = () => new UserError(`"${name}" is not a reserved name`, { code: 'not_reserved', hint: 'run `hooktunnel relay name list` to see them' });
  const moved = withDb(dataDir, (db) => {
    // By the name `relay token list` shows: a stored token's name, or a given one's label.
    const { digest } = findToken(db, token, given, 'run `hooktunnel relay token list` to see the names (create the new one first: `hooktunnel relay token create --name <name>`)');
    const owner = db.nameOwner(name);
    if (owner === undefined) throw notReserved();
    if (owner === digest) throw new UserError(`"${name}" already belongs to the token "${token}"`, { hint: 'nothing to do: its `listen --name` receives what is queued' });
    // Refused, not done behind its back: that client would go on receiving the queue, and the new owner's `listen`
    // would be refused as long as it stays.
    if (db.isConnected(name)) {
      throw new UserError(`"${name}" has a client connected on it now`, {
        code: 'name_connected',
        hint: 'stop that `listen`, or revoke its token (the relay closes its tunnel within seconds), then give the name',
      });
    }
    return db.giveName(name, digest);
  });
  if (!moved) throw notReserved();
  printGiven(name, token, moved.queued, json);
}

/** What `give` says once the name moved, on a single relay and on a cluster alike. */
export function printGiven(name: string, token: string, queuedCount: number, json: boolean): void {
  if (json) {
    process.stdout.write(`${jsonText({ name, token, queued: queuedCount })}\n`);
    return;
  }
  const queued = queuedCount === 0 ? 'nothing is queued for it' : `the ${queuedCount} request${queuedCount === 1 ? '' : 's'} queued for it go${queuedCount === 1 ? 'es' : ''} to its \`listen --name ${sanitize(name)}\``;
  process.stdout.write(`Gave "${sanitize(name)}" to the token "${sanitize(token)}"; ${queued}.\n`);
}
