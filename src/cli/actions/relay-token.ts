// Runs `relay token ...` and `relay name ...` against the relay's state file; a running relay sees the change within seconds.

import { UserError } from '../../errors.js';
import { jsonText } from '../../output/json-text.js';
import { sanitize } from '../../sanitize.js';
import { readGivenTokens, withoutTokenFile, type GivenTokens, type GivenTokensRead } from '../../relay-state/given-tokens.js';
import { defaultRelayDataDir, RelayDb } from '../../relay-state/relay-db.js';
import { findToken, type FoundToken } from '../../relay-state/token-lookup.js';
import { nodeOnlyTokensWarning } from './relay-cluster.js';

export function withDb<T>(dataDir: string | undefined, use: (db: RelayDb) => T): T {
  const db = RelayDb.open(dataDir ?? defaultRelayDataDir());
  try {
    return use(db);
  } finally {
    db.close();
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** `inCluster`: HOOKTUNNEL_REDIS is set, as beside a cluster node: the token is then that node's alone, and said so. */
export function createToken(dataDir: string | undefined, name: string | undefined, inCluster = false): void {
  const created = withDb(dataDir, (db) => ({ ...db.createToken(name), path: db.path }));
  process.stdout.write(`${created.token}\n`);
  process.stderr.write(
    `Created token "${created.name}". Copy it now: the relay keeps only its hash and cannot show it again.\n` +
      `On your laptop: hooktunnel login <relay-url> --token <the token>\n`,
  );
  if (inCluster) process.stderr.write(nodeOnlyTokensWarning(`HOOKTUNNEL_REDIS is set: this token, stored in ${created.path}, is`));
}

/**
 * `clusterNames`: a cluster's reserved names with their owners, read from its Redis (`--redis`), where they live instead
 * of this node's state: each token's NAMES are then the cluster's.
 */
export function listTokens(dataDir: string | undefined, given: GivenTokens, clusterNames?: { name: string; owner: string }[], json = false): void {
  const { stored, names } = withDb(dataDir, (db) => ({ stored: db.listTokens(), names: clusterNames ?? db.listNames() }));
  const read = readGivenTokens(given);
  const ownedBy = (digestHex: string) => names.filter((row) => row.owner === digestHex).map((row) => row.name);
  // The relay accepts all of these: a token given by environment or file is listed as the stored ones are, by its label.
  const listed = [
    ...stored.map((row) => ({ name: row.name, source: 'stored', created: day(row.createdAt), names: ownedBy(row.digest) })),
    ...read.tokens.map(({ record, source }) => ({ name: record.label, source, created: null, names: ownedBy(record.digest.toString('hex')) })),
  ];
  if (json) {
    // Printed before a token file that cannot be read is reported (as JSON on stderr): the tokens that could be read.
    process.stdout.write(`${jsonText(listed)}\n`);
    if (read.unreadable) throw withoutTokenFile(read.unreadable, 'its tokens are not in the list');
    return;
  }
  const rows = listed.map((row) => ({ ...row, name: sanitize(row.name), created: row.created ?? '-', names: row.names.map((name) => sanitize(name)) }));
  if (rows.length === 0 && !read.unreadable) {
    process.stderr.write('No tokens: none stored, none in HOOKTUNNEL_RELAY_TOKENS or --token-file. Create one with `hooktunnel relay token create --name laptop`.\n');
    return;
  }
  if (rows.length > 0) {
    const width = Math.max(4, ...rows.map((row) => row.name.length));
    process.stdout.write(`${'NAME'.padEnd(width)}  SOURCE       CREATED (UTC)     NAMES\n`);
    for (const row of rows) {
      process.stdout.write(`${row.name.padEnd(width)}  ${row.source.padEnd(11)}  ${row.created.padEnd(16)}  ${row.names.join(', ') || '-'}\n`);
    }
  }
  if (read.unreadable) throw withoutTokenFile(read.unreadable, rows.length > 0 ? 'its tokens are not listed above' : 'no other token is stored or in HOOKTUNNEL_RELAY_TOKENS');
}

/** The stored token `name`, which revokeToken may remove; a given one is refused with where to take it out instead. */
export function storedTokenToRevoke(db: RelayDb, name: string, given: GivenTokens): FoundToken {
  const found = findToken(db, name, given);
  // Listed beside the stored ones, but only where they are given can they be taken away.
  if (found.source === 'environment') throw new UserError(`"${name}" is given by HOOKTUNNEL_RELAY_TOKENS, not stored`, { hint: 'take it out of HOOKTUNNEL_RELAY_TOKENS where the relay runs, and restart the relay' });
  if (found.source === 'token file') throw new UserError(`"${name}" is given by the token file ${given.tokenFile}, not stored`, { hint: 'delete its line from that file: a running relay re-reads it within seconds' });
  return found;
}

/**
 * `cluster`: the names the token holds in a cluster's Redis (`--redis`, where they live instead of this node's state)
 * with what is queued for each, read before the revoke.
 */
export function revokeToken(dataDir: string | undefined, name: string, given: GivenTokens, json = false, cluster?: { names: { name: string; queued: number }[] }): void {
  // The counts are read in the same open as the revoke: what the operator must hand on before --queue-ttl ends.
  const left = withDb(dataDir, (db) => {
    storedTokenToRevoke(db, name, given);
    // `?? []`: revoked by another command since the lookup, it is gone all the same.
    const revoked = db.revokeToken(name) ?? [];
    return cluster ? cluster.names : revoked.map((reserved) => ({ name: reserved, queued: db.queuedFor(reserved) }));
  });
  if (json) {
    process.stdout.write(`${jsonText({ revoked: name, names: left })}\n`);
    return;
  }
  process.stdout.write(`Revoked token "${name}"; a running relay closes its tunnels within seconds.\n`);
  if (left.length) process.stdout.write(leftReservedLines(left, cluster !== undefined));
}

/**
 * Said after a revoke that leaves names reserved: their senders still get 202 and queue for a client that cannot come
 * back, so the operator learns what waits and how to hand it on before --queue-ttl drops it.
 */
function leftReservedLines(left: { name: string; queued: number }[], inCluster: boolean): string {
  const each = left.map(({ name, queued }) => `${sanitize(name)} (${queued === 0 ? 'nothing' : queued} queued)`);
  return (
    `It leaves ${each.join(', ')} reserved: their senders still get 202, and the requests wait for them up to --queue-ttl.\n` +
    `Give each to the new token, queue and all: \`hooktunnel relay name give <name> <token>${inCluster ? ' --redis URL' : ''}\` (its \`listen --name\` receives them).\n`
  );
}

export function listNames(dataDir: string | undefined, given: GivenTokens, json = false): void {
  const { rows, path } = withDb(dataDir, (db) => ({ rows: db.listNames(), path: db.path }));
  if (json) {
    const read = readGivenTokens(given);
    const labels = new Map(read.tokens.map(({ record }) => [record.digest.toString('hex'), record.label]));
    const listed = rows.map((row) => ({ name: row.name, claimed: day(row.claimedAt), ...nameOwner(row.tokenName ?? labels.get(row.owner), row.owner) }));
    process.stdout.write(`${jsonText(listed)}\n`);
    if (read.unreadable) throw withoutTokenFile(read.unreadable, 'a name owned by one of its tokens has a null token, not that token\'s label');
    return;
  }
  if (rows.length === 0) {
    // Run beside a cluster node without --redis, this looks in the one place a cluster keeps no names: say where it looked.
    process.stderr.write(
      `No reserved names in ${path}. A name is reserved when a client with a token first asks for it (\`listen --name\`).\n` +
        "A cluster's names are in its Redis: `hooktunnel relay name list --redis URL`.\n",
    );
    return;
  }
  const read = readGivenTokens(given);
  const labels = givenLabels(read);
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  process.stdout.write(`${'NAME'.padEnd(width)}  CLAIMED (UTC)     TOKEN\n`);
  for (const row of rows) {
    const owner = row.tokenName ?? labels.get(row.owner) ?? goneOwner(row.owner, read);
    process.stdout.write(`${row.name.padEnd(width)}  ${day(row.claimedAt)}  ${owner}\n`);
  }
  if (read.unreadable) throw withoutTokenFile(read.unreadable, 'a name owned by one of its tokens shows that token\'s digest, not its label');
}

/**
 * A name's owner in `relay name list --json`: the token as `relay token list` names it, or, for one neither stored nor
 * given here, null with the start of its digest (as the text shows it).
 */
export function nameOwner(token: string | undefined, digestHex: string): { token: string | null; tokenDigest?: string } {
  return token === undefined ? { token: null, tokenDigest: digestHex.slice(0, 12) } : { token };
}

/** The given tokens' labels by hex digest, as `relay token list` shows them: names' owners are shown by them too. */
export function givenLabels(read: GivenTokensRead): Map<string, string> {
  return new Map(read.tokens.map(({ record }) => [record.digest.toString('hex'), sanitize(record.label)]));
}

/**
 * The owner of a name whose token is neither stored nor given here (`elsewhere`: where else it may be, a cluster's
 * other nodes). Without the relay's token file (not given, or unreadable) this command cannot tell a revoked token
 * from one of that file's, so it says "revoked" alone only when it has read the file.
 */
export function goneOwner(digestHex: string, read: GivenTokensRead, elsewhere?: string): string {
  const notRead = !read.tokenFileGiven ? 'a --token-file token not given here' : read.unreadable ? 'a token of the unreadable --token-file' : undefined;
  const could = [elsewhere, notRead].filter(Boolean);
  return `(${could.length ? `${could.join(', ')}, or ` : ''}revoked: ${sanitize(digestHex.slice(0, 12))}…)`;
}

export function releaseName(dataDir: string | undefined, name: string): void {
  const released = withDb(dataDir, (db) => db.releaseName(name));
  if (!released) throw new UserError(`"${name}" is not a reserved name`, { hint: 'run `hooktunnel relay name list` to see them' });
  process.stdout.write(`Released "${name}"; the next token that asks for it gets it.${droppedLine(released.droppedQueued)}\n`);
}

/** Said when a release dropped queued requests: they were for the name's old owner. */
export function droppedLine(count: number): string {
  if (count === 0) return '';
  return `\nDropped ${count} request${count === 1 ? '' : 's'} queued for it: ${count === 1 ? 'it was' : 'they were'} sent to its old owner's URL.`;
}
