// Two clients with the same token claim the same --name at the same moment: on two nodes, or on one. The outcome is
// a single relay's, decided in Redis and not by which node happens to be faster: one holds the name and the other
// is refused `name_taken`; with --force the newer displaces the older, which is told.
//
// "At the same moment" is made exact: Redis holds every write (CLIENT PAUSE WRITE) until both claims are under way
// (on two nodes: both have looked the name up and seen it free), so neither binds it before the other started.

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../../relay-server/cluster/redis-keys.js';
import { MessageType } from '../../../src/protocol.js';
import type { Session } from '../../../src/session.js';
import { send, startLocalApp, waitFor } from '../../helpers/http.js';
import { onCleanup } from '../../nothing-lost/helpers.js';
import { openSession, rawClient } from '../helpers.js';
import { skipCluster, startNode, startRedis, TOKENS, type Node, type RedisProcess } from './helpers.js';

interface Claimant {
  node: Node;
  /** Welcomed: holds the name, or held it until `fatal`. */
  session?: Session;
  /** The refusal the client got instead of a welcome. */
  refused?: string;
  /** Why a welcomed client was closed later (displaced). */
  fatal?: Error;
}

/** Opens one session per node for `name`, each past its lookup of the name before either may write to Redis. */
async function claimAtOnce(redis: RedisProcess, nodes: Node[], name: string, port: number, force = false): Promise<Claimant[]> {
  const admin = new Redis(redis.url).on('error', () => {});
  onCleanup(() => void admin.disconnect());
  const monitor = await new Redis(redis.url).on('error', () => {}).monitor();
  monitor.on('error', () => {});
  onCleanup(() => void monitor.disconnect());
  let lookups = 0;
  const looked = new Promise<void>((resolve) =>
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0].toLowerCase() === 'get' && args[1] === redisKeys.location(name) && ++lookups === nodes.length) resolve();
    }),
  );
  // Long enough for both handshakes, well under the nodes' 5 s Redis command timeout; lifted as soon as both looked.
  await admin.call('CLIENT', 'PAUSE', '4000', 'WRITE');
  const claimants: Claimant[] = nodes.map((node) => ({ node }));
  const opening = claimants.map((claimant) =>
    openSession(claimant.node.url, port, { token: TOKENS[0], name, force }).then(
      // Listening from the welcome on: a displacement can follow at once.
      (session) => void (claimant.session = session.once('fatal', (error: Error) => (claimant.fatal = error))),
      (error: Error) => void (claimant.refused = error.message),
    ),
  );
  await looked;
  await admin.call('CLIENT', 'UNPAUSE');
  await Promise.all(opening);
  return claimants;
}

const holderOf = async (redis: RedisProcess, name: string) => {
  const admin = new Redis(redis.url).on('error', () => {});
  onCleanup(() => void admin.disconnect());
  return admin.get(redisKeys.location(name));
};

async function setUp(nodeNames: string[]) {
  const redis = await startRedis();
  const nodes = await Promise.all(nodeNames.map((name) => startNode(name, redis, 'http://hooks.test')));
  const app = await startLocalApp((_req, res, body) => res.writeHead(201).end(body));
  onCleanup(() => app.close());
  return { redis, nodes, app };
}

describe.skipIf(skipCluster)('the same --name claimed at the same moment with one token', () => {
  it('on two nodes: one holds it, the other is refused name_taken, and both nodes reach the one that holds it', { timeout: 60_000 }, async () => {
    const { redis, nodes, app } = await setUp(['A', 'B']);
    const claimants = await claimAtOnce(redis, nodes, 'raced', app.port);
    const held = claimants.filter((claimant) => claimant.session);
    expect(held).toHaveLength(1);
    expect(claimants.map((claimant) => claimant.refused).filter(Boolean)).toEqual([
      expect.stringMatching(/name "raced" is in use by another connected client; pass --force to take it over.*name_taken/),
    ]);
    expect(await holderOf(redis, 'raced')).toBe(held[0].node.url);
    for (const node of nodes) {
      const reply = await send(`${node.url}/t/raced/via-${node.name}`, { body: node.name });
      expect([node.name, reply.status, reply.body.toString()]).toEqual([node.name, 201, node.name]);
    }
    expect(held[0].fatal).toBeUndefined();
  });

  it('on one node: one holds it, the other is refused name_taken (none is left connected but unreachable)', { timeout: 60_000 }, async () => {
    const { redis, nodes } = await setUp(['A']);
    const [a] = nodes;
    const admin = new Redis(redis.url).on('error', () => {});
    onCleanup(() => void admin.disconnect());
    // Each claim can look the name up, but none can bind it until both HELLOs are in the node's hands: a client's pong
    // comes after the node handled the HELLO sent before its ping.
    await admin.call('CLIENT', 'PAUSE', '4000', 'WRITE');
    const clients = await Promise.all([0, 1].map(() => rawClient(a.url, { token: TOKENS[0], hello: { name: 'raced-here' } })));
    await Promise.all(clients.map((client) => new Promise((resolve) => client.ws.once('pong', resolve).ping())));
    await admin.call('CLIENT', 'UNPAUSE');
    const answers = await Promise.all(clients.map((client) => waitFor(() => client.messages.find((m) => m.type === MessageType.Welcome || m.type === MessageType.Refused), 'an answer to the HELLO')));
    expect(answers.map((m) => m.type).sort()).toEqual([MessageType.Welcome, MessageType.Refused]);
    expect(answers.find((m) => m.type === MessageType.Refused)!.meta).toMatchObject({ code: 'name_taken', fatal: true });
    expect(((await (await fetch(`${a.url}/healthz`)).json()) as { tunnels: number }).tunnels).toBe(1);
  });

  it('with --force on two nodes: the newer holds it, the older is told it was taken over and stops', { timeout: 60_000 }, async () => {
    const { redis, nodes, app } = await setUp(['A', 'B']);
    const claimants = await claimAtOnce(redis, nodes, 'forced', app.port, true);
    expect(claimants.map((claimant) => claimant.refused)).toEqual([undefined, undefined]);
    // Which one is newer is Redis's order of the two claims: the node it names as holder now.
    const holder = await holderOf(redis, 'forced');
    const newer = claimants.find((claimant) => claimant.node.url === holder)!;
    const older = claimants.find((claimant) => claimant !== newer)!;
    const told = await waitFor(() => older.fatal, 'the older client to be told', 15_000);
    expect(told.message).toContain('another client took over tunnel forced');
    await waitFor(async () => ((await (await fetch(`${older.node.url}/healthz`)).json()) as { tunnels: number }).tunnels === 0, 'the older node to let go');
    for (const node of nodes) expect((await send(`${node.url}/t/forced/x`, { body: node.name })).status).toBe(201);
    expect(newer.fatal).toBeUndefined();
  });
});
