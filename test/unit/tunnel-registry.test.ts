// Which id a HELLO gets on a relay without tokens: a random id (handed out by the relay) is its client's until it
// lapses, whoever asks for it by name; a name keeps its first-come rules. Against both resume stores a relay uses.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryResumeStore, type ResumeStore } from '../../relay-server/resume-store.js';
import type { TunnelConnection } from '../../relay-server/tunnel-connection.js';
import { anotherClientsId, TunnelRegistry, type Claim } from '../../relay-server/tunnel-registry.js';
import { PROTOCOL_VERSION, type HelloMeta } from '../../src/protocol.js';
import { RelayDb } from '../../src/relay-state/relay-db.js';
import { onCleanup } from '../helpers/cleanup.js';

const TTL = 60_000;
const T0 = 1_000_000;

function sqliteStore(): ResumeStore {
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-registry-'));
  const db = RelayDb.open(dir);
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  onCleanup(() => db.close());
  return db.resumeStore();
}

const hello = (meta: Partial<HelloMeta> = {}): HelloMeta => ({ version: PROTOCOL_VERSION, timeoutMs: 30_000, ...meta });

/** The registry reads only these of a connection; a real one needs a WebSocket. */
const connectionFor = (id: string) => ({ id, ack: undefined, tokenKey: undefined }) as unknown as TunnelConnection;

/** Claims and attaches, as the handshake does for a welcomed client. */
function connect(registry: TunnelRegistry, meta: HelloMeta, now: number): { claim: Claim & { ok: true }; connection: TunnelConnection } {
  const claim = registry.claim(meta, now);
  if (!claim.ok) throw new Error(`refused: ${claim.message}`);
  const connection = connectionFor(claim.id);
  registry.attach(connection, claim);
  return { claim, connection };
}

describe.each([
  ['memory', memoryResumeStore],
  ['SQLite', sqliteStore],
] as [string, () => ResumeStore][])('tunnel registry without tokens (%s resume store)', (_name, store) => {
  it("refuses another client's random id as a --name, with or without --force, connected or away, until it lapses", () => {
    const registry = new TunnelRegistry(TTL, store());
    const { claim: given, connection } = connect(registry, hello(), T0);
    expect(given.random).toBe(true);
    const refused = { ok: false, code: 'name_reserved', message: anotherClientsId(given.id), fatal: true };
    for (const force of [false, true]) expect(registry.claim(hello({ name: given.id, force }), T0)).toEqual(refused);

    registry.detach(connection, T0);
    for (const force of [false, true]) expect(registry.claim(hello({ name: given.id, force }), T0 + TTL - 1)).toEqual(refused);
    // A resume token for another id does not open it either.
    const other = connect(registry, hello(), T0);
    expect(registry.claim(hello({ name: given.id, force: true, resumeToken: other.claim.resumeToken }), T0)).toEqual(refused);

    // Lapsed: the relay no longer knows it, so it is anyone's name.
    const named = registry.claim(hello({ name: given.id }), T0 + TTL);
    expect(named).toMatchObject({ ok: true, id: given.id, random: false });
  });

  it('brings a random id back with its resume token, named or not, and it stays random', () => {
    const registry = new TunnelRegistry(TTL, store());
    const { claim: given, connection } = connect(registry, hello(), T0);
    registry.detach(connection, T0);

    const back = connect(registry, hello({ resumeToken: given.resumeToken }), T0 + 1);
    expect(back.claim).toMatchObject({ id: given.id, resumeToken: given.resumeToken, random: true });
    // Its own client asking for it by name (resume token in hand) takes it over, and leaves it random.
    const byName = connect(registry, hello({ name: given.id, resumeToken: given.resumeToken }), T0 + 2);
    expect(byName.claim).toMatchObject({ id: given.id, random: true, displaced: back.connection });
    expect(registry.claim(hello({ name: given.id, force: true }), T0 + 3)).toMatchObject({ ok: false, code: 'name_reserved' });
  });

  it('keeps the first-come rules for a name: --force takes a connected one over, an away one is anyone\'s', () => {
    const registry = new TunnelRegistry(TTL, store());
    const first = connect(registry, hello({ name: 'shop' }), T0);
    expect(first.claim.random).toBe(false);
    expect(registry.claim(hello({ name: 'shop' }), T0)).toMatchObject({ ok: false, code: 'name_taken' });
    const forced = connect(registry, hello({ name: 'shop', force: true }), T0);
    expect(forced.claim).toMatchObject({ id: 'shop', random: false, displaced: first.connection });

    registry.detach(forced.connection, T0);
    const claimed = connect(registry, hello({ name: 'shop' }), T0 + 1);
    expect(claimed.claim).toMatchObject({ id: 'shop', random: false });
    // A name resumed without asking for it (a listen sharing the embedded relay) stays a name.
    registry.detach(claimed.connection, T0 + 1);
    expect(connect(registry, hello({ resumeToken: claimed.claim.resumeToken }), T0 + 2).claim).toMatchObject({ id: 'shop', random: false });
    expect(registry.claim(hello({ name: 'shop', force: true }), T0 + 3)).toMatchObject({ ok: true, id: 'shop' });
  });
});
