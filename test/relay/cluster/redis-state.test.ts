// The cluster's Redis state against a real redis-server: claims lapse when their node stops refreshing (a killed
// node) while the resume token keeps the URL, a takeover is noticed by the old holder, a Redis that lost everything
// gets it back from the refresh, and the stream queue keeps its caps to the byte and forgets only what is removed.

import { describe, expect, it } from 'vitest';
import { clusterClaim } from '../../../relay-server/cluster/cluster-claim.js';
import { releaseClusterName } from '../../../relay-server/cluster/cluster-names.js';
import { TunnelDirectory } from '../../../relay-server/cluster/directory.js';
import { RedisConnection } from '../../../relay-server/cluster/redis-connection.js';
import { redisKeys } from '../../../relay-server/cluster/redis-keys.js';
import { StreamQueue } from '../../../relay-server/cluster/stream-queue.js';
import type { NewDelivery } from '../../../relay-server/delivery-queue.js';
import { anotherClientsId, TunnelRegistry } from '../../../relay-server/tunnel-registry.js';
import type { HelloMeta } from '../../../src/protocol.js';
import { waitFor } from '../../helpers/http.js';
import { onCleanup } from '../../nothing-lost/helpers.js';
import { REDIS, startRedis } from './helpers.js';
import { inCi } from '../proxy-helpers.js';

async function connection(url: string): Promise<RedisConnection> {
  const redis = new RedisConnection(url, () => {});
  await redis.connect();
  onCleanup(() => redis.close());
  return redis;
}

const times = { locationTtlMs: 300, resumeTtlMs: 60_000 };

function delivery(tunnelId: string, deliveryId: string, body: Buffer, expiresAt = Date.now() + 60_000): NewDelivery {
  return {
    deliveryId,
    tunnelId,
    method: 'POST',
    path: '/x',
    headers: [['Content-Type', 'application/octet-stream'], ['X-Dup', '1'], ['x-dup', '2']],
    url: `http://relay/t/${tunnelId}/x`,
    body,
    receivedAt: Date.now(),
    expiresAt,
    reason: 'offline',
    answerStatus: 202,
    answerBody: '{"queued":true}',
  };
}

describe.skipIf(!REDIS && !inCi)('cluster state in Redis', () => {
  it('lets a claim lapse when its node stops refreshing, keeps the resume token, and tells the old holder of a takeover', async () => {
    const server = await startRedis();
    const redis = await connection(server.url);
    const nodeA = new TunnelDirectory(redis, 'http://node-a:1', times, () => {});
    const nodeB = new TunnelDirectory(redis, 'http://node-b:1', times, () => {});

    await nodeA.register('quiet', 'resume-token-1', { random: false });
    expect(await nodeA.locate('quiet')).toBe('http://node-a:1');
    // Node A "dies": no refresh. The claim lapses; the id stays known and its resume token still brings it back.
    await waitFor(async () => (await nodeB.locate('quiet')) === undefined, 'the claim to lapse', 5_000);
    expect(await nodeB.known('quiet')).toBe(true);
    expect(await nodeB.findResume('resume-token-1')).toBe('quiet');
    expect(await nodeB.findResume('another-token')).toBeUndefined();

    // The client comes back through node B with a new resume token: the old one stops working, and node A, alive
    // again, finds it lost the tunnel on its next refresh.
    await nodeA.register('moving', 'token-a', { random: false });
    await nodeB.register('moving', 'token-b', { random: false });
    expect(await nodeA.findResume('token-a')).toBeUndefined();
    expect(await nodeA.findResume('token-b')).toBe('moving');
    expect(await nodeA.refresh(() => true)).toEqual(['moving']);
    expect(await nodeB.refresh(() => true)).toEqual([]);
    expect(await nodeA.locate('moving')).toBe('http://node-b:1');
  });

  it('writes a node\'s tunnels, names and client timeouts back after Redis lost them', async () => {
    const server = await startRedis();
    const redis = await connection(server.url);
    const node = new TunnelDirectory(redis, 'http://node-a:1', times, () => {});
    await node.reserveName('named', 'owner-digest');
    await node.register('named', 'token-n', { random: false, nameOwner: 'owner-digest', clientTimeoutMs: 5_000 });
    // Another node passing a request on learns when the holder's answer is due.
    expect(await node.holder('named')).toEqual({ node: 'http://node-a:1', clientTimeoutMs: 5_000 });
    await redis.command.flushall();
    expect(await node.known('named')).toBe(false);
    expect(await node.refresh(() => true)).toEqual([]);
    expect(await node.locate('named')).toBe('http://node-a:1');
    expect(await node.holder('named')).toEqual({ node: 'http://node-a:1', clientTimeoutMs: 5_000 });
    expect(await node.findResume('token-n')).toBe('named');
    expect(await node.nameOwner('named')).toBe('owner-digest');
    // Another token cannot take the name back in between: the first binding wins.
    expect(await node.reserveName('named', 'someone-else')).toBe('owner-digest');
  });

  it('keeps a client\'s ack settings as long as its reservation, for every node, and forgets them on a HELLO without --ack', async () => {
    const server = await startRedis();
    const redis = await connection(server.url);
    const short = { locationTtlMs: 200, resumeTtlMs: 300 };
    const nodeA = new TunnelDirectory(redis, 'http://node-a:1', short, () => {});
    const nodeB = new TunnelDirectory(redis, 'http://node-b:1', short, () => {});
    const ack = { paths: ['/hooks'], status: 201, body: '{"later":true}' };

    // Registered on A; B reads the same settings, while connected and once the client has left.
    await nodeA.register('lapses', 'token-l', { random: false, ack });
    expect(await nodeB.ackFor('lapses')).toEqual(ack);
    nodeA.release('lapses');
    expect(await nodeB.ackFor('lapses')).toEqual(ack);
    // They expire with the reservation (--resume-ttl), not before and not after.
    await waitFor(async () => !(await nodeB.known('lapses')), 'the reservation to expire', 5_000);
    expect(await nodeB.ackFor('lapses')).toBeUndefined();

    // A request queued for the away client keeps its id, resume token and ack settings until the request expires.
    await nodeA.register('held', 'token-h', { random: false, ack });
    nodeA.release('held');
    const stored = await new StreamQueue(redis).enqueue(delivery('held', 'd-held', Buffer.from('x'), Date.now() + 10_000), { maxCount: 10, maxBytes: 1_000 });
    expect(stored).toBe('stored');
    const ackTtl = await redis.command.pttl(redisKeys.ack('held'));
    const reservationTtl = await redis.command.pttl(redisKeys.reservation('held'));
    expect(ackTtl).toBeGreaterThan(5_000);
    expect(Math.abs(ackTtl - reservationTtl)).toBeLessThan(1_000);
    // The client comes back through B without --ack: no node answers for it any more.
    await nodeB.register('held', 'token-h', { random: false });
    expect(await nodeA.ackFor('held')).toBeUndefined();

    // Redis lost everything: the holder's refresh writes the settings back with the rest.
    await nodeB.register('again', 'token-a', { random: false, ack });
    await redis.command.flushall();
    expect(await nodeB.refresh(() => true)).toEqual([]);
    expect(await nodeA.ackFor('again')).toEqual(ack);
  });

  it('keeps a takeover on the same node: the displaced connection leaving before its successor is attached drops no claim', async () => {
    const server = await startRedis();
    const redis = await connection(server.url);
    const node = new TunnelDirectory(redis, 'http://node-a:1', times, () => {});
    const store = node.resumeStore();
    await node.register('taken', 'token-old', { random: false });
    store.save('', { tunnelId: 'taken', expiresAt: null, random: false });
    // The successor's HELLO registers; then displace() closes the old connection at once, whose departure arrives here.
    await node.register('taken', 'token-new', { random: false });
    store.release('taken', Date.now());
    await redis.command.ping();
    expect(await node.locate('taken')).toBe('http://node-a:1');
    store.save('', { tunnelId: 'taken', expiresAt: null, random: false });
    expect(await node.refresh(() => true)).toEqual([]);
    expect(await node.findResume('token-new')).toBe('taken');
    // The successor leaving later does let go.
    store.release('taken', Date.now());
    await redis.command.ping();
    expect(await node.locate('taken')).toBeUndefined();
  });

  it('refuses another token\'s random id as a --name on every node; its resume token brings it back, and a released name is free at once', async () => {
    const server = await startRedis();
    const redis = await connection(server.url);
    const nodeA = new TunnelDirectory(redis, 'http://node-a:1', times, () => {});
    const nodeB = new TunnelDirectory(redis, 'http://node-b:1', times, () => {});
    const deps = (directory: TunnelDirectory) => ({ directory, registry: new TunnelRegistry(60_000), maxTunnelsPerToken: 20 });

    const random = await clusterClaim({ version: 1, timeoutMs: 1000 }, 'alice-digest', deps(nodeA));
    if (!random.ok) throw new Error(random.message);
    for (const directory of [nodeA, nodeB]) {
      for (const force of [false, true]) {
        const taken = await clusterClaim({ version: 1, timeoutMs: 1000, name: random.id, force }, 'bob-digest', deps(directory));
        expect(taken).toMatchObject({ ok: false, code: 'name_reserved', message: expect.stringContaining('another client\'s tunnel') });
      }
    }
    // Away: still refused; its own resume token brings it back through any node.
    nodeA.release(random.id);
    expect(await clusterClaim({ version: 1, timeoutMs: 1000, name: random.id }, 'bob-digest', deps(nodeB))).toMatchObject({ ok: false });
    expect(await clusterClaim({ version: 1, timeoutMs: 1000, resumeToken: random.resumeToken }, 'alice-digest', deps(nodeB))).toMatchObject({ ok: true, id: random.id });

    // A name Alice reserved and left: once released, Bob takes it at once (its reservation went with it).
    expect(await clusterClaim({ version: 1, timeoutMs: 1000, name: 'shop' }, 'alice-digest', deps(nodeA))).toMatchObject({ ok: true });
    nodeA.release('shop');
    // Requests queued for Alice's name while she is away go with the name: Bob must not receive them.
    const queue = new StreamQueue(redis);
    const caps = { maxCount: 10, maxBytes: 100 };
    await queue.enqueue(delivery('shop', 'for-alice-1', Buffer.from('123')), caps);
    await queue.enqueue(delivery('shop', 'for-alice-2', Buffer.from('45')), caps);
    await redis.command.set(redisKeys.name('other'), 'carol-digest');
    await queue.enqueue(delivery('other', 'kept', Buffer.from('6')), caps);
    expect(await releaseClusterName(server.url, 'shop')).toEqual({ droppedQueued: 2 });
    expect(await queue.usage('shop')).toEqual({ count: 0, bytes: 0 });
    expect(await queue.totals()).toEqual({ count: 1, bytes: 1 });
    expect(await releaseClusterName(server.url, 'shop')).toBeUndefined();
    expect(await clusterClaim({ version: 1, timeoutMs: 1000, name: 'shop' }, 'bob-digest', deps(nodeB))).toMatchObject({ ok: true, id: 'shop' });
  });

  it('refuses a random id as a --name on every node of a relay without tokens, connected or away; a name keeps --force', async () => {
    const server = await startRedis();
    const redis = await connection(server.url);
    // Nothing lapses by itself here: claims and reservations last for minutes.
    const long = { locationTtlMs: 60_000, resumeTtlMs: 60_000 };
    const nodeA = new TunnelDirectory(redis, 'http://node-a:1', long, () => {});
    const nodeB = new TunnelDirectory(redis, 'http://node-b:1', long, () => {});
    const deps = (directory: TunnelDirectory) => ({ directory, registry: new TunnelRegistry(60_000), maxTunnelsPerToken: 20 });
    const hello = (meta: Partial<HelloMeta> = {}): HelloMeta => ({ version: 1, timeoutMs: 1000, ...meta });

    const given = await clusterClaim(hello(), undefined, deps(nodeA));
    if (!given.ok) throw new Error(given.message);
    expect(given.random).toBe(true);
    const refused = { ok: false, code: 'name_reserved', message: anotherClientsId(given.id), fatal: true };
    for (const directory of [nodeA, nodeB]) {
      for (const force of [false, true]) expect(await clusterClaim(hello({ name: given.id, force }), undefined, deps(directory))).toEqual(refused);
    }

    // Away, with a request queued for longer than --resume-ttl: the mark lives as long as the reservation.
    nodeA.release(given.id);
    const stored = await new StreamQueue(redis).enqueue(delivery(given.id, 'd-given', Buffer.from('x'), Date.now() + 600_000), { maxCount: 10, maxBytes: 1_000 });
    expect(stored).toBe('stored');
    const markTtl = await redis.command.pttl(redisKeys.random(given.id));
    expect(markTtl).toBeGreaterThan(300_000);
    expect(Math.abs(markTtl - (await redis.command.pttl(redisKeys.reservation(given.id))))).toBeLessThan(1_000);
    expect(await clusterClaim(hello({ name: given.id, force: true }), undefined, deps(nodeB))).toEqual(refused);

    // Its resume token brings it back through any node, named or not, and it stays random; so after Redis lost it.
    const back = await clusterClaim(hello({ resumeToken: given.resumeToken }), undefined, deps(nodeB));
    expect(back).toMatchObject({ ok: true, id: given.id, random: true });
    expect(await clusterClaim(hello({ name: given.id, resumeToken: given.resumeToken }), undefined, deps(nodeB))).toMatchObject({ ok: true, random: true });
    await redis.command.flushall();
    expect(await nodeB.refresh(() => true)).toEqual([]);
    expect(await clusterClaim(hello({ name: given.id, force: true }), undefined, deps(nodeA))).toEqual(refused);

    // A name: taken over by --force from another node, as before.
    expect(await clusterClaim(hello({ name: 'shop' }), undefined, deps(nodeA))).toMatchObject({ ok: true, random: false });
    expect(await clusterClaim(hello({ name: 'shop' }), undefined, deps(nodeB))).toMatchObject({ ok: false, code: 'name_taken' });
    expect(await clusterClaim(hello({ name: 'shop', force: true }), undefined, deps(nodeB))).toMatchObject({ ok: true, id: 'shop', random: false });
    // An id registered by a node older than the mark counts as a name (see redisKeys.random).
    await redis.command.set(redisKeys.reservation('older'), 'some-hash', 'PX', 60_000);
    await redis.command.set(redisKeys.location('older'), 'http://node-old:1', 'PX', 60_000);
    expect(await clusterClaim(hello({ name: 'older', force: true }), undefined, deps(nodeB))).toMatchObject({ ok: true, id: 'older', random: false });
  });

  it('caps each tunnel\'s stream by count and bytes, reads in order, and forgets only removed or expired entries', async () => {
    const server = await startRedis();
    const redis = await connection(server.url);
    const queue = new StreamQueue(redis);
    const caps = { maxCount: 3, maxBytes: 10 };
    // Only for an id Redis knows (a reservation, a location or a name): nobody could ever receive the others.
    expect(await queue.enqueue(delivery('t1', 'd0', Buffer.from('1')), caps)).toBe('unknown');
    for (const id of ['t1', 't2']) await redis.command.set(redisKeys.reservation(id), 'hash', 'PX', 60_000);
    expect(await queue.enqueue(delivery('t1', 'd1', Buffer.from('12345')), caps)).toBe('stored');
    expect(await queue.enqueue(delivery('t1', 'd2', Buffer.from('123456')), caps)).toBe('full');
    expect(await queue.enqueue(delivery('t1', 'd2', Buffer.from([0, 255, 13, 10, 0])), caps)).toBe('stored');
    expect(await queue.enqueue(delivery('t1', 'd3', Buffer.alloc(0)), caps)).toBe('stored');
    expect(await queue.enqueue(delivery('t1', 'd4', Buffer.alloc(0)), caps)).toBe('full');
    expect(await queue.usage('t1')).toEqual({ count: 3, bytes: 10 });

    const all = await queue.read('t1', '-', 10);
    expect(all.map((d) => d.deliveryId)).toEqual(['d1', 'd2', 'd3']);
    expect(all[1].body.equals(Buffer.from([0, 255, 13, 10, 0]))).toBe(true);
    expect(all[1].headers).toEqual([['Content-Type', 'application/octet-stream'], ['X-Dup', '1'], ['x-dup', '2']]);
    expect((await queue.read('t1', all[0].entryId, 10)).map((d) => d.deliveryId)).toEqual(['d2', 'd3']);

    expect(await queue.remove('t1', all[0].entryId, 5)).toBe(true);
    expect(await queue.remove('t1', all[0].entryId, 5)).toBe(false);
    expect(await queue.totals()).toEqual({ count: 2, bytes: 5 });

    await queue.enqueue(delivery('t2', 'old', Buffer.from('abc'), Date.now() - 1), caps);
    await queue.enqueue(delivery('t2', 'fresh', Buffer.from('de')), caps);
    expect(await queue.expire()).toBe(1);
    expect((await queue.read('t2', '-', 10)).map((d) => d.deliveryId)).toEqual(['fresh']);
    expect(await queue.totals()).toEqual({ count: 3, bytes: 7 });

    // An emptied stream goes with its byte counter.
    for (const entry of await queue.read('t1', '-', 10)) await queue.remove('t1', entry.entryId, entry.body.length);
    expect(await redis.command.exists(redisKeys.queue('t1'), redisKeys.queueBytes('t1'))).toBe(0);
  });
});
