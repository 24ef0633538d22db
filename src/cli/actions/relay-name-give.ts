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
  if (json) {
    process.stdout.write(`${jsonText({ name, token, queued: moved.queued })}\n`);
    return;
  }
  const queued = moved.queued === 0 ? 'nothing is queued for it' : `the ${moved.queued} request${moved.queued === 1 ? '' : 's'} queued for it go${moved.queued === 1 ? 'es' : ''} to its \`listen --name ${sanitize(name)}\``;
  process.stdout.write(`Gave "${sanitize(name)}" to the token "${sanitize(token)}"; ${queued}.\n`);
}

/** A cluster's names live in Redis and its queue on the nodes: `give` edits neither yet, and says what to do instead. */
export function giveNameInCluster(): never {
  throw new UserError("relay name give does not cover a cluster's names yet (they live in Redis, their queues on the nodes)", {
    code: 'cluster_unsupported',
    hint: 'before revoking a token, keep its `listen --name` running until its queue is delivered; then `hooktunnel relay name release <name> --redis URL` frees the name for the new token',
  });
}
