// Runs `relay token ...` and `relay name ...` against the relay's state file; a running relay sees the change within seconds.

import type { TokenRecord } from '../../../relay-server/auth.js';
import { UserError } from '../../errors.js';
import { jsonText } from '../../output/json-text.js';
import { sanitize } from '../../sanitize.js';
import { envTokenRecords, parseTokenList, readTokenFile, TokenFileUnreadable } from '../../relay-state/auth-store.js';
import { defaultRelayDataDir, RelayDb } from '../../relay-state/relay-db.js';

/** Tokens the relay accepts besides the stored ones, read from where `hooktunnel relay` reads them. */
export interface GivenTokens {
  /** HOOKTUNNEL_RELAY_TOKENS. */
  env: string | undefined;
  /** --token-file (or HOOKTUNNEL_RELAY_TOKEN_FILE). */
  tokenFile: string | undefined;
}

/** The given tokens as read now, and the token file when it could not be read (its tokens are then missing). */
export interface GivenTokensRead {
  /** By label (`HOOKTUNNEL_RELAY_TOKENS #1`, `<file> #2`): never the token itself, only its digest. */
  tokens: { record: TokenRecord; source: 'environment' | 'token file' }[];
  /** --token-file was given and cannot be read. */
  unreadable?: TokenFileUnreadable;
  /** Whether --token-file was given at all. */
  tokenFileGiven: boolean;
}

/**
 * Reads the given tokens. A token file that cannot be read does not stop the listing commands, which show what the
 * rest holds and then fail with withoutTokenFile: an operator without the relay's permissions still sees the store.
 */
export function readGivenTokens(given: GivenTokens): GivenTokensRead {
  const tokens: GivenTokensRead['tokens'] = envTokenRecords(parseTokenList(given.env)).map((record) => ({ record, source: 'environment' }));
  if (!given.tokenFile) return { tokens, tokenFileGiven: false };
  try {
    tokens.push(...readTokenFile(given.tokenFile).map((record) => ({ record, source: 'token file' as const })));
    return { tokens, tokenFileGiven: true };
  } catch (error) {
    if (!(error instanceof TokenFileUnreadable)) throw error;
    return { tokens, tokenFileGiven: true, unreadable: error };
  }
}

/**
 * Thrown after a command did what it could without the token file (a listing printed the rest): exit 1, so a script
 * does not take a listing that lacks the file's tokens for a whole one. `consequence` says what is missing.
 */
export function withoutTokenFile(unreadable: TokenFileUnreadable, consequence: string): UserError {
  return new UserError(`could not read the token file ${unreadable.path} (--token-file or HOOKTUNNEL_RELAY_TOKEN_FILE): ${unreadable.why}; ${consequence}`, {
    hint: "run this as the user the relay runs as, with its environment (`sudo -u <relay user> -E hooktunnel relay …`), or give the path the relay reads in --token-file",
    cause: unreadable,
  });
}

export function withDb<T>(dataDir: string | undefined, use: (db: RelayDb) => T): T {
  const db = RelayDb.open(dataDir ?? defaultRelayDataDir());
  try {
    return use(db);
  } finally {
    db.close();
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function createToken(dataDir: string | undefined, name: string | undefined): void {
  const created = withDb(dataDir, (db) => db.createToken(name));
  process.stdout.write(`${created.token}\n`);
  process.stderr.write(
    `Created token "${created.name}". Copy it now: the relay keeps only its hash and cannot show it again.\n` +
      `On your laptop: hooktunnel login <relay-url> --token <the token>\n`,
  );
}

export function listTokens(dataDir: string | undefined, given: GivenTokens): void {
  const { stored, names } = withDb(dataDir, (db) => ({ stored: db.listTokens(), names: db.listNames() }));
  const read = readGivenTokens(given);
  const ownedBy = (digestHex: string) => names.filter((row) => row.owner === digestHex).map((row) => row.name);
  // The relay accepts all of these: a token given by environment or file is listed as the stored ones are, by its label.
  const rows = [
    ...stored.map((row) => ({ name: row.name, source: 'stored', created: day(row.createdAt), names: row.names })),
    ...read.tokens.map(({ record, source }) => ({ name: sanitize(record.label), source, created: '-', names: ownedBy(record.digest.toString('hex')) })),
  ];
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

export function revokeToken(dataDir: string | undefined, name: string, given: GivenTokens, json = false): void {
  // The counts are read in the same open as the revoke: what the operator must hand on before --queue-ttl ends.
  const left = withDb(dataDir, (db) => db.revokeToken(name)?.map((reserved) => ({ name: reserved, queued: db.queuedFor(reserved) })));
  if (!left) {
    // Listed beside the stored ones, but only where they are given can they be taken away.
    const read = readGivenTokens(given);
    const listed = read.tokens.find(({ record }) => record.label === name);
    if (listed?.source === 'environment') throw new UserError(`"${name}" is given by HOOKTUNNEL_RELAY_TOKENS, not stored`, { hint: 'take it out of HOOKTUNNEL_RELAY_TOKENS where the relay runs, and restart the relay' });
    if (listed) throw new UserError(`"${name}" is given by the token file ${given.tokenFile}, not stored`, { hint: 'delete its line from that file: a running relay re-reads it within seconds' });
    // It may be one of the file's lines: "no token named" would be a guess.
    if (read.unreadable) throw withoutTokenFile(read.unreadable, `no stored token is named "${name}", and whether the file has one could not be checked`);
    throw new UserError(`no token named "${name}"`, { hint: 'run `hooktunnel relay token list` to see the names' });
  }
  if (json) {
    process.stdout.write(`${jsonText({ revoked: name, names: left })}\n`);
    return;
  }
  process.stdout.write(`Revoked token "${name}"; a running relay closes its tunnels within seconds.\n`);
  if (left.length) process.stdout.write(leftReservedLines(left));
}

/**
 * Said after a revoke that leaves names reserved: their senders still get 202 and queue for a client that cannot come
 * back, so the operator learns what waits and how to hand it on before --queue-ttl drops it.
 */
function leftReservedLines(left: { name: string; queued: number }[]): string {
  const each = left.map(({ name, queued }) => `${sanitize(name)} (${queued === 0 ? 'nothing' : queued} queued)`);
  return (
    `It leaves ${each.join(', ')} reserved: their senders still get 202, and the requests wait for them up to --queue-ttl.\n` +
    'Give each to the new token, queue and all: `hooktunnel relay name give <name> <token>` (its `listen --name` receives them).\n'
  );
}

export function listNames(dataDir: string | undefined, given: GivenTokens): void {
  const rows = withDb(dataDir, (db) => db.listNames());
  if (rows.length === 0) {
    process.stderr.write('No reserved names. A name is reserved when a client with a token first asks for it (`listen --name`).\n');
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
