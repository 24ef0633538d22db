// Reserved names: owned by the first token, hijacks refused, --force takeover, release, offline 503, anonymous first-come.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryAuthStore } from '../../relay-server/auth.js';
import { randomTunnelId } from '../../relay-server/tunnel-registry.js';
import { relayAuthStore } from '../../src/relay-state/auth-store.js';
import { RelayDb } from '../../src/relay-state/relay-db.js';
import { MessageType, type Message } from '../../src/protocol.js';
import { runCli } from '../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { onCleanup, openSession, rawClient, refusedSession, startRelay } from './helpers.js';

async function localPort(): Promise<number> {
  const app = await startLocalApp();
  onCleanup(() => app.close());
  return app.port;
}

function stateDb(dir = mkdtempSync(join(tmpdir(), 'hooktunnel-names-'))): { db: RelayDb; dir: string } {
  const db = RelayDb.open(dir);
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  onCleanup(() => db.close());
  return { db, dir };
}

describe('relay name release on a locked relay.db', () => {
  it('names relay.db, not a capture database, and exits 1 without a stack', async () => {
    const { db, dir } = stateDb();
    db.createToken('alice');
    const locker = new Database(join(dir, 'relay.db'));
    onCleanup(() => locker.open && locker.close());
    locker.exec('BEGIN IMMEDIATE');
    const release = await runCli(['relay', 'name', 'release', 'shop', '--data-dir', dir]);
    locker.exec('ROLLBACK');
    expect(release.code).toBe(1);
    expect(release.stderr).toBe(
      `error: the relay's state database ${join(dir, 'relay.db')} could not take the change: database is locked\n` +
        'hint: another process holds it locked, or its disk is full: try again once it is free\n',
    );
  });
});

describe('with tokens', () => {
  it('gives a name to the first token and refuses it to another, with or without --force', async () => {
    const { url } = await startRelay({ auth: memoryAuthStore(['alice', 'bob']) });
    const port = await localPort();
    const alice = await openSession(url, port, { token: 'alice', name: 'stripe-dev' });
    expect(alice.welcome!.url).toBe(`${url}/t/stripe-dev`);
    for (const force of [false, true]) {
      const error = await refusedSession(url, { token: 'bob', name: 'stripe-dev', force });
      expect(error.message).toContain('name "stripe-dev" is reserved by another token');
      expect(error.message).toContain('name_reserved');
    }
    alice.close();
    // Still Alice's while she is offline.
    expect((await refusedSession(url, { token: 'bob', name: 'stripe-dev' })).message).toContain('name_reserved');
  });

  it('refuses a second client of the same token for a connected name unless --force; the displaced one stops', async () => {
    const { url, relay } = await startRelay({ auth: memoryAuthStore(['alice']) });
    const port = await localPort();
    const first = await openSession(url, port, { token: 'alice', name: 'dev' });
    const taken = await refusedSession(url, { token: 'alice', name: 'dev' });
    expect(taken.message).toContain('pass --force');
    expect(taken.message).toContain('name_taken');

    const displaced = new Promise<Error>((resolve) => first.once('fatal', resolve));
    const statuses: string[] = [];
    first.on('status', (status) => statuses.push(status.state));
    const second = await openSession(url, port, { token: 'alice', name: 'dev', force: true });
    expect((await displaced).message).toContain('another client took over tunnel dev');
    // GOAWAY with reconnect:false: the displaced client goes offline instead of fighting back.
    expect(statuses).toEqual(['offline']);
    expect(relay.tunnelCount).toBe(1);
    expect((await send(`${second.welcome!.url}/x`, { body: 'x' })).status).toBe(200);
  });

  it('tells a displaced raw client GOAWAY reconnect:false', async () => {
    const { url } = await startRelay({ auth: memoryAuthStore(['alice']) });
    const first = await rawClient(url, { token: 'alice', hello: { name: 'dev' } });
    await first.next(MessageType.Welcome);
    await openSession(url, await localPort(), { token: 'alice', name: 'dev', force: true });
    const goAway = await first.next(MessageType.GoAway);
    expect(goAway.type === MessageType.GoAway && goAway.meta.reconnect).toBe(false);
  });

  it('keeps names in the relay\'s state file across restarts until `relay name release`, which drops what was queued for the old owner', async () => {
    const { db, dir } = stateDb();
    const alice = db.createToken('alice').token;
    const bob = db.createToken('bob').token;
    const first = await startRelay({ auth: relayAuthStore({ db }) });
    const port = await localPort();
    (await openSession(first.url, port, { token: alice, name: 'shop' })).close();
    await first.relay.close();

    const second = await startRelay({ auth: relayAuthStore({ db }), queue: db.deliveryQueue(), resume: db.resumeStore() });
    expect((await refusedSession(second.url, { token: bob, name: 'shop' })).message).toContain('name_reserved');
    expect((await send(`${second.url}/t/shop/order`, { body: 'alice\'s customer' })).status).toBe(202);
    expect(db.deliveryQueue().usage('shop').count).toBe(1);
    const release = await runCli(['relay', 'name', 'release', 'shop', '--data-dir', dir]);
    expect(release.code).toBe(0);
    expect(release.stdout).toBe('Released "shop"; the next token that asks for it gets it.\nDropped 1 request queued for it: it was sent to its old owner\'s URL.\n');
    expect(db.deliveryQueue().usage('shop').count).toBe(0);
    const bobs = await openSession(second.url, port, { token: bob, name: 'shop' });
    expect(bobs.welcome!.tunnelId).toBe('shop');
    expect(db.listNames()).toMatchObject([{ name: 'shop', tokenName: 'bob' }]);
  });

  it('refuses another token\'s random id as a --name, with or without --force, connected or away; its resume token brings it back', async () => {
    const { db } = stateDb();
    const { url } = await startRelay({ auth: memoryAuthStore(['alice', 'bob']), queue: db.deliveryQueue(), resume: db.resumeStore() });
    const alice = await rawClient(url, { token: 'alice', hello: {} });
    const welcome = (await alice.next(MessageType.Welcome)) as Extract<Message, { type: MessageType.Welcome }>;
    const id = welcome.meta.tunnelId;
    for (const force of [false, true]) {
      const error = await refusedSession(url, { token: 'bob', name: id, force });
      expect(error.message).toContain(`name "${id}" is the URL of another client's tunnel on this relay`);
      expect(error.message).toContain('name_reserved');
    }
    expect(alice.messages.some((m) => m.type === MessageType.GoAway)).toBe(false);

    // Away, with a request queued for her: still hers.
    alice.ws.close();
    await alice.closed;
    expect((await send(`${url}/t/${id}/hook`, { body: 'for alice' })).status).toBe(202);
    expect((await refusedSession(url, { token: 'bob', name: id })).message).toContain('name_reserved');
    const back = await rawClient(url, { token: 'alice', hello: { resumeToken: welcome.meta.resumeToken } });
    const delivered = await back.next(MessageType.Request);
    expect(delivered.type === MessageType.Request && delivered.body.toString()).toBe('for alice');
  });

  it('lets another token take a released name at once, while its last client\'s reservation would still hold it', async () => {
    const { db, dir } = stateDb();
    const alice = db.createToken('alice').token;
    const bob = db.createToken('bob').token;
    const { url, relay } = await startRelay({ auth: relayAuthStore({ db }), resume: db.resumeStore() });
    const port = await localPort();
    (await openSession(url, port, { token: alice, name: 'shop' })).close();
    await waitFor(() => relay.tunnelCount === 0, 'the relay to see the client leave');
    expect((await refusedSession(url, { token: bob, name: 'shop' })).message).toContain('name_reserved');
    expect((await runCli(['relay', 'name', 'release', 'shop', '--data-dir', dir])).code).toBe(0);
    expect((await openSession(url, port, { token: bob, name: 'shop' })).welcome!.tunnelId).toBe('shop');
  });

  it('caps the tunnels one token holds open; a --force takeover of its own name does not count twice', async () => {
    const { url } = await startRelay({ auth: memoryAuthStore(['alice', 'bob']), limits: { maxTunnelsPerToken: 2 } });
    const port = await localPort();
    await openSession(url, port, { token: 'alice', name: 'one' });
    await openSession(url, port, { token: 'alice' });
    const third = await refusedSession(url, { token: 'alice' });
    expect(third.message).toContain('too_many_tunnels');
    await openSession(url, port, { token: 'alice', name: 'one', force: true });
    await openSession(url, port, { token: 'bob' });
  });
});

describe('senders of a name', () => {
  it('get 503 tunnel_offline with Retry-After for a known name whose client is away, 404 for an unknown id', async () => {
    const { url, relay } = await startRelay({ auth: memoryAuthStore(['alice']) });
    const session = await openSession(url, await localPort(), { token: 'alice', name: 'hooks' });
    session.close();
    await waitFor(() => relay.tunnelCount === 0, 'the relay to see the client leave');
    const offline = await send(`${url}/t/hooks/event`, { headers: ['Accept', 'application/json'], body: '{}' });
    expect(offline.status).toBe(503);
    expect(offline.headers['x-hooktunnel-error']).toBe('tunnel_offline');
    expect(Number(offline.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(offline.body.toString()).error.message).toContain('"hooks" is not connected');
    const unknown = await send(`${url}/t/nobody/event`, { body: '{}' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['x-hooktunnel-error']).toBe('tunnel_not_found');
  });
});

describe('anonymous relay', () => {
  it('hands names out first-come: held by whoever holds it, free again once they leave', async () => {
    const { url, relay } = await startRelay();
    const port = await localPort();
    const first = await openSession(url, port, { name: 'local' });
    expect((await refusedSession(url, { name: 'local' })).message).toContain('name_taken');
    first.close();
    await waitFor(() => relay.tunnelCount === 0, 'the relay to see the client leave');
    const offline = await send(`${url}/t/local/x`, { body: 'x' });
    expect(offline.status).toBe(503);
    const second = await openSession(url, port, { name: 'local' });
    expect(second.welcome!.tunnelId).toBe('local');
  });

  it('gives random ids of 13 base32 characters (65 bits)', async () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomTunnelId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[a-z2-7]{13}$/);
    const { url } = await startRelay();
    expect((await openSession(url, await localPort())).welcome!.tunnelId).toMatch(/^[a-z2-7]{13}$/);
  });
});
