// The relay's SQLite state for "nothing lost": the delivery queue and resume tokens, across a reopen (a relay restart).

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewDelivery } from '../../relay-server/delivery-queue.js';
import { memoryResumeStore, type Reservation, type ResumeStore } from '../../relay-server/resume-store.js';
import { RelayDb } from '../../src/relay-state/relay-db.js';
import { createRelay } from '../../relay-server/relay.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-relay-state-'));
  dirs.push(dir);
  return dir;
}

/** A reservation for a name a client asked for (the kind these tests do not look at). */
const named = (tunnelId: string, expiresAt: number | null): Reservation => ({ tunnelId, expiresAt, random: false });

const delivery = (n: number, overrides: Partial<NewDelivery> = {}): NewDelivery => ({
  deliveryId: `d${n}`,
  tunnelId: 'tun',
  method: 'POST',
  path: `/${n}`,
  headers: [['Content-Type', 'application/json'], ['X-Dup', 'a'], ['x-dup', 'b']],
  url: `http://relay/t/tun/${n}`,
  body: Buffer.from([n, 0, 255]),
  receivedAt: 1_000 + n,
  expiresAt: 10_000,
  reason: 'offline',
  answerStatus: 202,
  answerBody: '{"queued":true}',
  ...overrides,
});

describe('delivery queue (SQLite)', () => {
  it('keeps deliveries in arrival order across a reopen, exact bytes and header pairs, until removed', () => {
    const dir = stateDir();
    const first = RelayDb.open(dir);
    const queue = first.deliveryQueue();
    for (const n of [3, 1, 2]) queue.enqueue(delivery(n));
    queue.enqueue(delivery(9, { tunnelId: 'other' }));
    first.close();

    const second = RelayDb.open(dir);
    const again = second.deliveryQueue();
    const pending = again.pending('tun', 0, 10, 5_000);
    expect(pending.map((d) => d.deliveryId)).toEqual(['d3', 'd1', 'd2']);
    expect(pending[0]).toMatchObject({ ...delivery(3), seq: expect.any(Number) });
    expect(again.pending('tun', pending[0].seq, 1, 5_000).map((d) => d.deliveryId)).toEqual(['d1']);
    expect(again.usage('tun', 5_000)).toEqual({ count: 3, bytes: 9 });
    expect(again.totals(5_000)).toEqual({ count: 4, bytes: 12 });
    expect(again.remove('other', 'd1')).toBe(false);
    expect(again.remove('tun', 'd1')).toBe(true);
    expect(again.remove('tun', 'd1')).toBe(false);
    expect(again.pending('tun', 0, 10, 5_000).map((d) => d.deliveryId)).toEqual(['d3', 'd2']);
    second.close();
  });

  it('stops offering and then deletes deliveries past their TTL', () => {
    const db = RelayDb.open(stateDir());
    const queue = db.deliveryQueue();
    queue.enqueue(delivery(1, { expiresAt: 2_000 }));
    queue.enqueue(delivery(2, { expiresAt: 3_000 }));
    expect(queue.pending('tun', 0, 10, 2_000).map((d) => d.deliveryId)).toEqual(['d2']);
    expect(queue.usage('tun', 2_000).count).toBe(1);
    expect(queue.expire(2_500)).toBe(1);
    expect(queue.expire(2_500)).toBe(0);
    expect(queue.totals(0).count).toBe(1);
    db.close();
  });
});

describe.each([
  ['memory', () => memoryResumeStore()],
  ['SQLite', () => RelayDb.open(stateDir()).resumeStore()],
] as [string, () => ResumeStore][])('resume store (%s)', (_name, make) => {
  it('finds an id by token hash, keeps it while connected and for the TTL after, and for as long as requests wait', () => {
    const store = make();
    store.save('h1', named('abc', null));
    expect(store.find('h1')).toEqual(named('abc', null));
    expect(store.knows('abc', 1e12)).toBe(true);
    store.release('abc', 5_000);
    expect(store.knows('abc', 4_999)).toBe(true);
    expect(store.knows('abc', 5_000)).toBe(false);
    store.extend('abc', 9_000);
    store.extend('abc', 7_000);
    expect(store.find('h1')).toEqual(named('abc', 9_000));
    store.sweep(9_000);
    expect(store.find('h1')).toBeUndefined();
  });

  it('keeps one token per id, and on a restart treats ids that were connected as just disconnected', () => {
    const store = make();
    store.save('old', named('abc', null));
    store.save('new', named('abc', null));
    expect(store.find('old')).toBeUndefined();
    store.save('h2', named('xyz', 1_000));
    store.releaseAll(60_000);
    expect(store.find('new')).toEqual(named('abc', 60_000));
    expect(store.find('h2')).toEqual(named('xyz', 1_000));
  });

  it('keeps the client\'s ack settings with its id while the id is kept, forgets them on expiry or a save without', () => {
    const store = make();
    const ack = { paths: ['/stripe'], status: 201, body: '{"ok":true}' };
    store.save('h1', named('abc', null), ack);
    expect(store.ackFor('abc', 1e12)).toEqual(ack);
    expect(store.ackFor('other', 0)).toBeUndefined();
    store.release('abc', 5_000);
    store.releaseAll(1);
    expect(store.ackFor('abc', 4_999)).toEqual(ack);
    expect(store.ackFor('abc', 5_000)).toBeUndefined();
    store.extend('abc', 8_000);
    expect(store.ackFor('abc', 7_999)).toEqual(ack);
    store.sweep(8_000);
    expect(store.ackFor('abc', 0)).toBeUndefined();

    store.save('h2', named('xyz', null), ack);
    store.save('h3', named('xyz', null));
    expect(store.ackFor('xyz', 0)).toBeUndefined();
  });

  it('remembers whether the relay handed the id out, for as long as the id is known, and forgets it with the id', () => {
    const store = make();
    store.save('r1', { tunnelId: 'given', expiresAt: null, random: true });
    store.save('n1', named('asked', null));
    expect(store.find('r1')).toEqual({ tunnelId: 'given', expiresAt: null, random: true });
    expect([store.isRandom('given', 1e12), store.isRandom('asked', 1e12), store.isRandom('unknown', 0)]).toEqual([true, false, false]);
    store.release('given', 5_000);
    store.extend('given', 8_000);
    expect(store.isRandom('given', 7_999)).toBe(true);
    expect(store.isRandom('given', 8_000)).toBe(false);
    // Saved again (a takeover of an expired id by name): the new reservation's kind, not the old one's.
    store.save('n2', named('given', null));
    expect(store.isRandom('given', 0)).toBe(false);
  });
});

describe('resume store (SQLite) across a reopen', () => {
  it('keeps ack settings in relay.db, so a relay restart still answers as the client asked', () => {
    const dir = stateDir();
    const ack = { paths: [], status: 200, body: 'thanks\n' };
    const first = RelayDb.open(dir);
    first.resumeStore().save('h1', named('abc', null), ack);
    first.close();
    const second = RelayDb.open(dir);
    const store = second.resumeStore();
    store.releaseAll(60_000);
    expect(store.ackFor('abc', 59_999)).toEqual(ack);
    second.close();
  });
});

describe('resume rows written before relay.db recorded random ids', () => {
  it('count as named, whatever they look like, and new rows say what they are', () => {
    const dir = stateDir();
    // relay.db as the release before the column left it (user_version 3), with a random-looking id reserved.
    RelayDb.open(dir).close();
    const old = new Database(join(dir, 'relay.db'));
    old.exec('ALTER TABLE resume DROP COLUMN random');
    old.pragma('user_version = 3');
    old.prepare('INSERT INTO resume (token_hash, tunnel_id, expires_at, ack) VALUES (?, ?, ?, ?)').run('h-old', 'abcdefghijklm', null, null);
    old.close();

    const db = RelayDb.open(dir);
    const store = db.resumeStore();
    expect(store.find('h-old')).toEqual(named('abcdefghijklm', null));
    expect(store.isRandom('abcdefghijklm', 0)).toBe(false);
    store.save('h-new', { tunnelId: 'nopqrstuvwxyz', expiresAt: null, random: true });
    expect(store.isRandom('nopqrstuvwxyz', 0)).toBe(true);
    db.close();
  });
});

describe('a relay that fails to start on a shared relay.db', () => {
  it("leaves the running relay's connected tunnels alone (only a relay that holds the port adopts them)", async () => {
    const dir = stateDir();
    const running = RelayDb.open(dir);
    const relay = createRelay({ port: 0, host: '127.0.0.1', resume: running.resumeStore() });
    const url = await relay.start();
    running.resumeStore().save('h1', named('live', null));

    const second = RelayDb.open(dir);
    const late = createRelay({ port: Number(new URL(url).port), host: '127.0.0.1', resume: second.resumeStore() });
    await expect(late.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await late.close();
    second.close();
    // Still connected: no expiry for the running relay's sweep to act on.
    expect(running.resumeStore().find('h1')).toMatchObject({ tunnelId: 'live', expiresAt: null });

    await relay.close();
    running.close();
  });
});
