// `relay name list|release --redis`: the reserved names of a relay cluster, kept in its Redis.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { giveClusterName, listClusterNames, queuedForClusterNames, releaseClusterName } from '../../../relay-server/cluster/cluster-names.js';
import { shownRedisUrl } from '../../../relay-server/cluster/load-redis.js';
import { UserError } from '../../errors.js';
import { readGivenTokens, withoutTokenFile, type GivenTokens } from '../../relay-state/given-tokens.js';
import { defaultRelayDataDir, RelayDb } from '../../relay-state/relay-db.js';
import { findToken } from '../../relay-state/token-lookup.js';
import { sanitize } from '../../sanitize.js';
import { checkRedisUrl } from './relay-cluster.js';
import { printGiven } from './relay-name-give.js';
import { droppedLine, givenLabels, goneOwner, listTokens, nameOwner, revokeToken, storedTokenToRevoke, withDb } from './relay-token.js';
import { jsonText } from '../../output/json-text.js';

const reachable = async <T>(work: Promise<T>, url: string): Promise<T> =>
  work.catch((error: Error) => {
    throw new UserError(/^(could not reach Redis|Redis at )/.test(error.message) ? error.message : `Redis at ${shownRedisUrl(url)}: ${error.message}`, {
      hint: 'check --redis (HOOKTUNNEL_REDIS): the same URL the relay nodes use',
    });
  });

/** The tokens stored in this machine's relay state, when it has one (nodes share tokens, not their names). */
function storedTokens(dataDir: string | undefined): { name: string; digest: string }[] {
  const dir = dataDir ?? defaultRelayDataDir();
  // Only an existing state: a command about the cluster's names must not create a relay's state on the operator's machine.
  if (!existsSync(join(dir, 'relay.db'))) return [];
  try {
    const db = RelayDb.open(dir);
    try {
      return db.tokenDigests();
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

/** Token names by digest, from this machine's relay state when it has one. */
const tokenNames = (dataDir: string | undefined): Map<string, string> => new Map(storedTokens(dataDir).map((token) => [token.digest, token.name]));

export async function listNamesInRedis(url: string, dataDir: string | undefined, given: GivenTokens, json = false): Promise<void> {
  checkRedisUrl(url);
  const rows = await reachable(listClusterNames(url), url);
  if (json) {
    const read = readGivenTokens(given);
    const labels = new Map([...tokenNames(dataDir), ...read.tokens.map(({ record }): [string, string] => [record.digest.toString('hex'), record.label])]);
    process.stdout.write(`${jsonText(rows.map((row) => ({ name: row.name, ...nameOwner(labels.get(row.owner), row.owner) })))}\n`);
    if (read.unreadable) throw withoutTokenFile(read.unreadable, 'a name owned by one of its tokens has a null token, not that token\'s label');
    return;
  }
  if (rows.length === 0) {
    process.stderr.write('No reserved names in this cluster. A name is reserved when a client with a token first asks for it (`listen --name`).\n');
    return;
  }
  const read = readGivenTokens(given);
  const names = new Map([...tokenNames(dataDir), ...givenLabels(read)]);
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  process.stdout.write(`${'NAME'.padEnd(width)}  TOKEN\n`);
  for (const row of rows) {
    // Names come from Redis, which anyone on its network could write: escaped before the terminal.
    process.stdout.write(`${sanitize(row.name).padEnd(width)}  ${names.get(row.owner) ?? goneOwner(row.owner, read, "another node's stored token")}\n`);
  }
  if (read.unreadable) throw withoutTokenFile(read.unreadable, 'a name owned by one of its tokens shows that token\'s digest, not its label');
}

export async function releaseNameInRedis(url: string, name: string): Promise<void> {
  checkRedisUrl(url);
  const released = await reachable(releaseClusterName(url, name), url);
  if (!released) {
    throw new UserError(`"${name}" is not a reserved name in this cluster`, { hint: 'run `hooktunnel relay name list --redis URL` to see them' });
  }
  process.stdout.write(`Released "${name}" on every node; the next token that asks for it gets it.${droppedLine(released.droppedQueued)}\n`);
}

/**
 * `relay name give --redis`: the name and its queue (a Redis Stream keyed by the name) go to another token on every
 * node at once, so rotating a teammate's token on a cluster loses none of the webhooks answered 202 meanwhile.
 */
export async function giveNameInRedis(url: string, name: string, token: string, dataDir: string | undefined, given: GivenTokens, json = false): Promise<void> {
  checkRedisUrl(url);
  // By the name `relay token list` shows: a token stored beside this node, or a given one's label.
  const stored = storedTokens(dataDir);
  const { digest } = findToken({ tokenDigests: () => stored }, token, given, 'run `hooktunnel relay token list` with the nodes\' --token-file and environment to see the names');
  const outcome = await reachable(giveClusterName(url, name, digest), url);
  if (outcome.given) return printGiven(name, token, outcome.queued, json);
  if (outcome.why === 'missing') {
    throw new UserError(`"${name}" is not a reserved name in this cluster`, { code: 'not_reserved', hint: 'run `hooktunnel relay name list --redis URL` to see them' });
  }
  if (outcome.why === 'same') throw new UserError(`"${name}" already belongs to the token "${token}"`, { hint: 'nothing to do: its `listen --name` receives what is queued' });
  throw new UserError(`"${name}" has a client connected on it now, on one of the nodes`, {
    code: 'name_connected',
    hint: 'stop that `listen`, or take its token away on every node (out of the --token-file, or `relay token revoke` where it is stored): the node closes its tunnel within seconds; then give the name',
  });
}

/** `relay token list --redis`: each token with the names it holds in the cluster (not in this node's state). */
export async function listTokensInRedis(url: string, dataDir: string | undefined, given: GivenTokens, json = false): Promise<void> {
  checkRedisUrl(url);
  listTokens(dataDir, given, await reachable(listClusterNames(url), url), json);
}

/**
 * `relay token revoke --redis`: the names the token leaves, and what is queued for each, are the cluster's. Read
 * before the revoke, so a Redis that cannot be reached stops the command with nothing done.
 */
export async function revokeTokenInRedis(url: string, dataDir: string | undefined, name: string, given: GivenTokens, json = false): Promise<void> {
  checkRedisUrl(url);
  const { digest } = withDb(dataDir, (db) => storedTokenToRevoke(db, name, given));
  const names = (await reachable(listClusterNames(url), url)).filter((row) => row.owner === digest).map((row) => row.name);
  const queued = await reachable(queuedForClusterNames(url, names), url);
  revokeToken(dataDir, name, given, json, { names: names.map((reserved, i) => ({ name: reserved, queued: queued[i]! })) });
}
