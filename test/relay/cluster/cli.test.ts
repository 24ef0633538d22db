// `hooktunnel relay --redis`: flags that do not fit together are usage errors (exit 2) with a hint; an unreachable
// Redis does not stop the relay: it starts degraded with a one-line reason, never a stack trace.

import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../../helpers/cli.js';
import { home, onCleanup, startRelay } from '../../nothing-lost/helpers.js';
import { waitFor } from '../../helpers/http.js';
import { freePort } from '../helpers.js';
import { REDIS, startRedis } from './helpers.js';
import { inCi } from '../proxy-helpers.js';

async function relay(args: string[], env: Record<string, string> = {}) {
  const h = tempHome();
  onCleanup(h.cleanup);
  return runCli(['relay', '--port', '0', '--data-dir', `${h.dir}/relay`, ...args], { env: { ...h.env, ...env } });
}

describe('relay scale-out flags', () => {
  it.each([
    [['--redis', 'redis://127.0.0.1:1'], /--redis needs --node-url/],
    [['--redis', 'redis://127.0.0.1:1', '--node-url', 'http://127.0.0.1:9'], /--redis needs --cluster-secret/],
    [['--redis', 'redis://127.0.0.1:1', '--node-url', 'https://10.0.0.5', '--cluster-secret', 'x'.repeat(32)], /--node-url "https:\/\/10.0.0.5" must start with http:\/\//],
    [['--redis', 'redis://127.0.0.1:1', '--node-url', 'http://127.0.0.1:9', '--cluster-secret', 'short'], /at least 16/],
    [['--redis', 'http://127.0.0.1:1', '--node-url', 'http://127.0.0.1:9', '--cluster-secret', 'x'.repeat(32)], /--redis "http:\/\/127.0.0.1:1" must start with redis:\/\/ or rediss:\/\//],
    [['--redis', 'redis://127.0.0.1:1', '--node-url', '10.0.0.5:8080', '--cluster-secret', 'x'.repeat(32)], /--node-url "10.0.0.5:8080" is not a URL/],
    [['--node-url', 'http://127.0.0.1:9'], /--node-url only applies with --redis/],
    [['--hop-timeout', '1s'], /--hop-timeout only applies with --redis/],
    [['--redis', 'redis://127.0.0.1:1', '--node-url', 'http://127.0.0.1:9', '--cluster-secret', 'x'.repeat(32), '--hop-timeout', '0'], /--hop-timeout must be longer than 0/],
  ])('%j is a usage error', async (args, message) => {
    const result = await relay(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('takes the flags from HOOKTUNNEL_REDIS, HOOKTUNNEL_NODE_URL and HOOKTUNNEL_CLUSTER_SECRET, and starts degraded when Redis is unreachable', async () => {
    const closed = await freePort();
    const h = home();
    const node = await startRelay(h.relayDir, {
      ...h.env,
      HOOKTUNNEL_REDIS: `redis://127.0.0.1:${closed}`,
      HOOKTUNNEL_NODE_URL: 'http://127.0.0.1:9',
      HOOKTUNNEL_CLUSTER_SECRET: 'x'.repeat(32),
    });
    // The network's own reason, not ioredis's "Connection is closed.".
    expect(node.stderr()).toMatch(new RegExp(`Redis at redis://127.0.0.1:${closed} is not reachable \\(connect ECONNREFUSED 127.0.0.1:${closed}\\): serving degraded until it is; retrying`));
    expect(node.stderr()).not.toMatch(/\n\s+at /);
    // Running as a cluster node (the flags were taken), with Redis reported down.
    const health = (await (await fetch(`${node.url}/healthz`)).json()) as { cluster: { node: string; redis: string } };
    expect(health.cluster).toEqual({ node: 'http://127.0.0.1:9', redis: 'down' });
  });

  it.skipIf(!REDIS && !inCi)('a node that stops logs its own stop, not a lost Redis connection (which would page the operator)', async () => {
    const redis = await startRedis();
    const h = home();
    const node = await startRelay(h.relayDir, h.env, 0, ['--redis', redis.url, '--node-url', 'http://127.0.0.1:9', '--cluster-secret', 'x'.repeat(32)]);
    await waitFor(() => /Redis is reachable/.test(node.stderr()), 'the node to reach Redis');
    node.child.kill('SIGTERM');
    expect(await node.exit).toBe(0);
    expect(node.stderr()).toMatch(/SIGTERM: draining/);
    expect(node.stderr()).not.toMatch(/Redis connection lost/);
  });

  it.skipIf(!REDIS && !inCi)('checks that --node-url reaches the node itself: says so, or names what is wrong (a closed port, another node\'s URL)', async () => {
    const redis = await startRedis();
    const node = async (nodeUrl: string | undefined) => {
      const h = home();
      const port = await freePort();
      const args = ['--redis', redis.url, '--node-url', nodeUrl ?? `http://127.0.0.1:${port}`, '--cluster-secret', 'x'.repeat(32)];
      return startRelay(h.relayDir, h.env, port, args);
    };
    const logged = (of: { stderr(): string }) => waitFor(() => /--node-url .*/.exec(of.stderr())?.[0], 'the --node-url check');

    const a = await node(undefined);
    expect(await logged(a)).toBe(`--node-url ${a.url} reaches this node: the other nodes pass it the requests for its tunnels there`);
    // An env file copied from node A's VPS to node B's: B's --node-url is A's.
    const copied = await node(a.url);
    expect(await logged(copied)).toMatch(new RegExp(`^--node-url ${a.url} reaches another relay node, not this one: requests for its tunnels that reach the other nodes are queued and delivered late instead of passed on\\. Give each node its own --node-url`));
    const closed = await freePort();
    const nowhere = await node(`http://127.0.0.1:${closed}`);
    expect(await logged(nowhere)).toMatch(new RegExp(`^--node-url http://127\\.0\\.0\\.1:${closed} does not reach this node \\(ECONNREFUSED\\): .*ListenStream= in hooktunnel-relay\\.socket`));
    // The identity is a node's only: without the cluster secret the path is the relay's 404.
    const probe = await fetch(`${a.url}/_hooktunnel/node`);
    expect([probe.status, probe.headers.get('x-hooktunnel-error')]).toEqual([404, 'tunnel_not_found']);
  });

  it.skipIf(!REDIS && !inCi)('warns that tokens stored on a node (relay token create) are that node\'s alone, where they are made and at the node\'s start', async () => {
    const redis = await startRedis();
    const cluster = ['--redis', redis.url, '--cluster-secret', 'x'.repeat(32)];
    const start = async (h: ReturnType<typeof home>, env: Record<string, string> = {}) => {
      const port = await freePort();
      const node = await startRelay(h.relayDir, { ...h.env, ...env }, port, [...cluster, '--node-url', `http://127.0.0.1:${port}`]);
      // Logged after the start-up lines, on the same stream: once it is there, so is any warning.
      await waitFor(() => /--node-url .* reaches this node/.test(node.stderr()), 'the --node-url check');
      return node;
    };

    const given = await start(home(), { HOOKTUNNEL_RELAY_TOKENS: 'tok-given-0123456789' });
    expect(given.stderr()).not.toContain('warning:');

    const h = home();
    const created = await runCli(['relay', 'token', 'create', '--name', 'laptop', '--data-dir', h.relayDir], { env: { ...h.env, HOOKTUNNEL_REDIS: redis.url } });
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`warning: HOOKTUNNEL_REDIS is set: this token, stored in ${h.relayDir}/relay.db, is accepted only by the cluster nodes that use this data directory: a client the load balancer sends to another node is refused (401). Give every node the same tokens by HOOKTUNNEL_RELAY_TOKENS or --token-file`);
    const stored = await start(h);
    expect(stored.stderr()).toContain(`warning: 1 token stored in ${h.relayDir}/relay.db (relay token create) is accepted only by the cluster nodes that use this data directory`);
  });

  it('relay name list with Redis unreachable: one line naming the URL without its password, exit 1, nothing else', async () => {
    const closed = await freePort();
    const result = await relay(['name', 'list', '--redis', `redis://:hunter2@127.0.0.1:${closed}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: could not reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${closed}: connect ECONNREFUSED`));
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.skipIf(!REDIS && !inCi)('a wrong password or database in --redis stops the node (exit 1, one line, no password) instead of serving degraded forever', async () => {
    const redis = await startRedis(['--requirepass', 'right-password']);
    const node = (url: string) => relay(['--redis', url, '--node-url', 'http://127.0.0.1:9', '--cluster-secret', 'x'.repeat(32), '--allow-anonymous']);
    const wrong = await node(`redis://:wrong-password@127.0.0.1:${redis.port}`);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`^error: Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} refused the credentials in the URL \\(WRONGPASS`));
    expect(wrong.stderr).toMatch(/hint: check the password/);
    expect(wrong.stderr).not.toContain('wrong-password');
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    const missing = await node(`redis://127.0.0.1:${redis.port}`);
    expect([missing.code, /refused the credentials in the URL \(NOAUTH/.test(missing.stderr)]).toEqual([1, true]);
    // A database the server lacks: ioredis would go on in database 0, apart from the nodes that name a real one.
    const database = await node(`redis://:right-password@127.0.0.1:${redis.port}/99`);
    expect(database.code).toBe(1);
    expect(database.stderr).toMatch(/Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/99 has no such database \(ERR DB index is out of range\)/);
    expect(database.stderr).not.toMatch(/\n\s+at /);
    const path = await node(`redis://127.0.0.1:${redis.port}/zero`);
    expect([path.code, /the path must be a database number/.test(path.stderr)]).toEqual([2, true]);
    // The name commands read the same URL the same way.
    for (const command of [['name', 'list'], ['name', 'release', 'stripe']]) {
      const named = await relay([...command, '--redis', `redis://127.0.0.1:${redis.port}/zero`]);
      expect([named.code, /the path must be a database number/.test(named.stderr)]).toEqual([2, true]);
    }

    const names = await relay(['name', 'list', '--redis', `redis://:wrong-password@127.0.0.1:${redis.port}`]);
    expect(names.code).toBe(1);
    expect(names.stderr).toMatch(/^error: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refused the credentials in the URL \(WRONGPASS/);
  });
});
