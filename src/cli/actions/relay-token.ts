// Runs `relay token ...` and `relay name ...` against the relay's state file; a running relay sees the change within seconds.

import { UserError } from '../../errors.js';
import { defaultRelayDataDir, RelayDb } from '../../relay-state/relay-db.js';

function withDb<T>(dataDir: string | undefined, use: (db: RelayDb) => T): T {
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

export function listTokens(dataDir: string | undefined): void {
  const rows = withDb(dataDir, (db) => db.listTokens());
  if (rows.length === 0) {
    process.stderr.write('No tokens stored. Create one with `hooktunnel relay token create --name laptop`.\n');
    return;
  }
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  process.stdout.write(`${'NAME'.padEnd(width)}  CREATED (UTC)     NAMES\n`);
  for (const row of rows) process.stdout.write(`${row.name.padEnd(width)}  ${day(row.createdAt)}  ${row.names.join(', ') || '-'}\n`);
}

export function revokeToken(dataDir: string | undefined, name: string): void {
  const names = withDb(dataDir, (db) => db.revokeToken(name));
  if (!names) throw new UserError(`no token named "${name}"`, { hint: 'run `hooktunnel relay token list` to see the names' });
  process.stdout.write(`Revoked token "${name}"; a running relay closes its tunnels within seconds.\n`);
  if (names.length) {
    process.stdout.write(`It still owns ${names.join(', ')}; free them with \`hooktunnel relay name release <name>\`.\n`);
  }
}

export function listNames(dataDir: string | undefined): void {
  const rows = withDb(dataDir, (db) => db.listNames());
  if (rows.length === 0) {
    process.stderr.write('No reserved names. A name is reserved when a client with a token first asks for it (`listen --name`).\n');
    return;
  }
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  process.stdout.write(`${'NAME'.padEnd(width)}  CLAIMED (UTC)     TOKEN\n`);
  for (const row of rows) {
    const owner = row.tokenName ?? `(token file, environment or revoked: ${row.owner.slice(0, 12)}…)`;
    process.stdout.write(`${row.name.padEnd(width)}  ${day(row.claimedAt)}  ${owner}\n`);
  }
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
