// `relay name give --redis`: rotating a teammate's token on a cluster hands their name on with the webhooks queued for
// it in Redis (answered 202 by any node), delivered once, byte for byte, to the new token's `listen` on another node;
// and what it refuses. A real redis-server, two real nodes and the real `listen`, as child processes.

import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, startListen, wordsOfJsonError } from '../../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../../helpers/http.js';
import { home, onCleanup } from '../../nothing-lost/helpers.js';
import { holder, skipCluster, startNode, startRedis, TOKENS } from './helpers.js';

describe.skipIf(skipCluster)('relay name give on a cluster', () => {
  it('hands an away name to another token with its queue; refuses a name a client is on, an unknown name or token', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const a = await startNode('A', redis, 'http://hooks.example.test');
    const b = await startNode('B', redis, 'http://hooks.example.test');
    const nodes = [a, b];
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const h = home();
    const listen = async (token: string, node: typeof a) => {
      const process = await startListen([String(app.port), '--relay', node.url, '--name', 'stripe-dev', '--no-store'], { ...h.env, HOOKTUNNEL_TOKEN: token });
      onCleanup(() => process.stop());
      return process;
    };
    // As the operator runs it: with the nodes' tokens in its environment, so it knows them by their labels.
    const give = (...args: string[]) =>
      runCli(['relay', 'name', 'give', ...args, '--redis', redis.url], { env: { ...h.env, HOOKTUNNEL_RELAY_TOKENS: TOKENS.join(',') } });

    const alice = await listen(TOKENS[0], a);
    const connected = await give('stripe-dev', 'HOOKTUNNEL_RELAY_TOKENS #2', '--json');
    expect(connected.code).toBe(1);
    expect(wordsOfJsonError(connected.stderr, 'name_connected')).toMatch(/^error: "stripe-dev" has a client connected on it now, on one of the nodes\nhint: stop that `listen`/);
    await alice.stop();
    await waitFor(async () => (await holder(nodes)) === undefined, 'node A to see alice go');

    // Bytes a lossy path would change (NUL, invalid UTF-8, CRLF), queued in Redis by either node.
    const bodies = [Buffer.from([0, 0xff, 0xfe, 13, 10, 0x41]), Buffer.from('{"id":"evt_2","amount":1e2}')];
    for (const [i, body] of bodies.entries()) expect((await send(`${nodes[i]!.url}/t/stripe-dev/hook`, { body })).status).toBe(202);

    expect(wordsOfJsonError((await give('nope', 'HOOKTUNNEL_RELAY_TOKENS #2', '--json')).stderr, 'not_reserved')).toMatch(/^error: "nope" is not a reserved name in this cluster\n/);
    expect(wordsOfJsonError((await give('stripe-dev', 'carol', '--json')).stderr, 'no_such_token')).toMatch(/^error: no token named "carol"\n/);
    expect(wordsOfJsonError((await give('stripe-dev', 'HOOKTUNNEL_RELAY_TOKENS #1', '--json')).stderr, 'error')).toMatch(/^error: "stripe-dev" already belongs to the token "HOOKTUNNEL_RELAY_TOKENS #1"\n/);

    const given = await give('stripe-dev', 'HOOKTUNNEL_RELAY_TOKENS #2');
    expect([given.code, given.stdout]).toEqual([0, 'Gave "stripe-dev" to the token "HOOKTUNNEL_RELAY_TOKENS #2"; the 2 requests queued for it go to its `listen --name stripe-dev`.\n']);
    const listed = await runCli(['relay', 'name', 'list', '--redis', redis.url], { env: { HOOKTUNNEL_RELAY_TOKENS: TOKENS.join(',') } });
    expect(listed.stdout).toMatch(/^stripe-dev +HOOKTUNNEL_RELAY_TOKENS #2$/m);

    // The old token is refused the name on any node now, and told how the operator would hand it back.
    const refused = await runCli(['listen', String(app.port), '--relay', b.url, '--name', 'stripe-dev', '--no-store', '--json'], { env: { ...h.env, HOOKTUNNEL_TOKEN: TOKENS[0] } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('`hooktunnel relay name give stripe-dev <token> --redis URL`, which keeps what is queued for it');

    // The new token's listen, on the other node, receives the queue once; a live request after it comes after it.
    await listen(TOKENS[1], b);
    await waitFor(() => app.received.length >= 2, 'the queue to be delivered');
    await waitFor(async () => /^hooktunnel_queued_requests 0$/m.test(await (await fetch(`${a.url}/metrics`)).text()), 'every ACK in Redis', 15_000);
    expect((await send(`${a.url}/t/stripe-dev/hook`, { body: 'live' })).status).toBe(200);
    expect(app.received.map((request) => request.body)).toEqual([...bodies, Buffer.from('live')]);

    const again = await give('stripe-dev', 'HOOKTUNNEL_RELAY_TOKENS #1', '--json');
    expect(jsonLines(again.stderr)).toEqual([{ error: expect.objectContaining({ code: 'name_connected' }) }]);
  });

  it('relay token list and revoke --redis name the names a token holds in the cluster, and what is queued for them', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const a = await startNode('A', redis, 'http://hooks.example.test');
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const h = home();
    const operator = (...args: string[]) => runCli(['relay', ...args, '--data-dir', a.dataDir], { env: { ...h.env, HOOKTUNNEL_RELAY_TOKENS: TOKENS.join(','), HOOKTUNNEL_REDIS: redis.url } });
    // A token stored beside node A, as `relay token create` on that node makes it.
    const carol = (await operator('token', 'create', '--name', 'carol')).stdout.trim();
    const listen = await startListen([String(app.port), '--relay', a.url, '--name', 'carol-shop', '--no-store'], { ...h.env, HOOKTUNNEL_TOKEN: carol });
    onCleanup(() => listen.stop());
    await listen.stop();
    await waitFor(async () => (await holder([a])) === undefined, 'node A to see carol go');
    expect((await send(`${a.url}/t/carol-shop/hook`, { body: 'while away' })).status).toBe(202);

    const listed = await operator('token', 'list');
    expect(listed.stdout).toMatch(/^carol +stored +\S+ \S+ +carol-shop$/m);
    expect(listed.stdout).toMatch(/^HOOKTUNNEL_RELAY_TOKENS #1 +environment +- +-$/m);
    // The same with --json, the names the cluster's (and a cluster keeps no claim time).
    const tokens = await operator('token', 'list', '--json');
    expect(JSON.parse(tokens.stdout)).toEqual(
      expect.arrayContaining([
        { name: 'carol', source: 'stored', created: expect.any(String), names: ['carol-shop'] },
        { name: 'HOOKTUNNEL_RELAY_TOKENS #1', source: 'environment', created: null, names: [] },
      ]),
    );
    const names = await operator('name', 'list', '--json');
    expect([names.code, JSON.parse(names.stdout)]).toEqual([0, [{ name: 'carol-shop', token: 'carol' }]]);

    const revoked = await operator('token', 'revoke', 'carol');
    expect([revoked.code, revoked.stdout]).toEqual([
      0,
      'Revoked token "carol"; a running relay closes its tunnels within seconds.\n' +
        'It leaves carol-shop (1 queued) reserved: their senders still get 202, and the requests wait for them up to --queue-ttl.\n' +
        'Give each to the new token, queue and all: `hooktunnel relay name give <name> <token> --redis URL` (its `listen --name` receives them).\n',
    ]);
  });
});
