// A hop to a node that does not take it: the holding node is frozen (SIGSTOP: the kernel still accepts the connection
// and buffers the request, the process reads nothing) or its host left the network (the connection never completes).
// The node the sender reached gives up after --hop-timeout instead of holding the sender until it gives up, and
// nothing it answers 2xx/202 is lost: the request is queued for the tunnel and delivered once.

import { describe, expect, it } from 'vitest';
import { send, startLocalApp, waitFor } from '../../helpers/http.js';
import { onCleanup } from '../../nothing-lost/helpers.js';
import { openSession } from '../helpers.js';
import { health, skipCluster, startNode, startRedis, TOKENS, unreachableNodeUrl, type Node } from './helpers.js';

const ACK = { paths: [], status: 200, body: '{"taken":true}' };

/** SIGSTOP until the test ends (SIGCONT in cleanup, so the node can be stopped). */
function freeze(node: Node): () => void {
  node.child.kill('SIGSTOP');
  const thaw = () => void node.child.kill('SIGCONT');
  onCleanup(thaw);
  return thaw;
}

async function app() {
  const started = await startLocalApp((_req, res) => res.writeHead(201).end('ok'));
  onCleanup(() => started.close());
  return started;
}

const hopsUnreachable = async (node: Node) => Number(/^hooktunnel_cluster_hops_total\{outcome="unreachable"\} (\d+)$/m.exec(await (await fetch(`${node.url}/metrics`)).text())?.[1]);

describe.skipIf(skipCluster)('a hop to a node that does not take the request', () => {
  it('queues for the tunnel of a frozen node (202, or its client\'s ack answer), and the client gets each request once the node is back', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const a = await startNode('A', redis, 'http://hooks.test', ['--hop-timeout', '300ms']);
    const c = await startNode('C', redis, 'http://hooks.test');
    const local = await app();
    await openSession(c.url, local.port, { token: TOKENS[0], name: 'plain' });
    await openSession(c.url, local.port, { token: TOKENS[0], name: 'acking', ack: ACK });
    await openSession(c.url, local.port, { token: TOKENS[0], name: 'bodyless' });
    // Node A keeps this connection to C open: the next hop goes out on it at once, with nothing to connect.
    expect((await send(`${a.url}/t/plain/warm`, { body: 'warm' })).status).toBe(201);
    // The hop asks C to say "go on" before its body: that Expect is the node's, and the app does not see it.
    expect(local.received[0].rawHeaders.filter((name, i) => i % 2 === 0 && /^(expect|x-hooktunnel)/i.test(name))).toEqual([]);

    const thaw = freeze(c);
    const queued = await send(`${a.url}/t/plain/x`, { body: 'plain-1' });
    expect([queued.status, queued.body.toString()]).toEqual([202, '{"queued":true}']);
    expect(queued.headers['x-hooktunnel-delivery']).toEqual(expect.any(String));
    const acked = await send(`${a.url}/t/acking/x`, { body: 'ack-1' });
    expect([acked.status, acked.body.toString()]).toEqual([200, ACK.body]);
    // The whole request is its head: the frozen node may still serve it when it wakes, so it cannot be queued as well.
    const get = await send(`${a.url}/t/bodyless/x`, { method: 'GET', headers: ['Accept', 'application/json'] });
    expect([get.status, get.headers['x-hooktunnel-error']]).toEqual([502, 'tunnel_disconnected']);
    expect(get.body.toString()).toMatch(/did not answer within 0\.3 s.*retry/);
    await waitFor(() => new RegExp(`node ${c.url} did not answer within 0\\.3 s when passed a request for tunnel plain; the tunnel is treated as away`).test(a.stderr()), 'node A to log why');
    expect(await hopsUnreachable(a)).toBe(3);
    // Marked away in Redis: the next request is queued at once, without another hop to wait on.
    const again = await send(`${a.url}/t/plain/x`, { body: 'plain-2' });
    expect(again.status).toBe(202);
    expect(await hopsUnreachable(a)).toBe(3);

    thaw();
    const bodies = () => local.received.map((r) => r.body.toString());
    await waitFor(() => ['plain-1', 'plain-2', 'ack-1'].every((body) => bodies().includes(body)), 'the queued requests at the app', 20_000);
    // The requests cut at C when it woke (head only, then the closed connection) never reached the app whole.
    expect(bodies().filter((body) => body.startsWith('plain') || body.startsWith('ack')).sort()).toEqual(['ack-1', 'plain-1', 'plain-2']);
  });

  it('queues for the tunnel of a node whose host does not answer connections, and its client gets the request', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const a = await startNode('A', redis, 'http://hooks.test', ['--hop-timeout', '300ms']);
    // Node C serves, but tells the cluster an address where connections never complete (its host is gone).
    const gone = await unreachableNodeUrl();
    const c = await startNode('C', redis, 'http://hooks.test', ['--node-url', gone]);
    expect((await health(c)).cluster.node).toBe(gone);
    const local = await app();
    await openSession(c.url, local.port, { token: TOKENS[0], name: 'stranded' });

    const reply = await send(`${a.url}/t/stranded/x`, { body: 'stranded-1' });
    expect([reply.status, reply.body.toString()]).toEqual([202, '{"queued":true}']);
    await waitFor(() => new RegExp(`node ${gone} did not accept a connection within 0\\.3 s when passed a request for tunnel stranded`).test(a.stderr()), 'node A to log why');
    // Node C still holds the client: it delivers from the tunnel's stream.
    await waitFor(() => local.received.some((r) => r.body.toString() === 'stranded-1'), 'the queued request at the app');
  });

  it('answers 503 tunnel_offline naming the node when there is no queue to take the request (--no-queue)', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const a = await startNode('A', redis, 'http://hooks.test', ['--hop-timeout', '300ms', '--no-queue']);
    const c = await startNode('C', redis, 'http://hooks.test', ['--no-queue']);
    const local = await app();
    await openSession(c.url, local.port, { token: TOKENS[0], name: 'no-queue' });
    freeze(c);
    const reply = await send(`${a.url}/t/no-queue/x`, { body: 'lost?', headers: ['Accept', 'application/json'] });
    expect([reply.status, reply.headers['x-hooktunnel-error']]).toEqual([503, 'tunnel_offline']);
    expect(reply.body.toString()).toContain('the relay node holding tunnel no-queue did not answer within 0.3 s; retry shortly');
    // The node's address is for the operator's log, not for senders on the internet.
    expect(reply.body.toString()).not.toContain(c.url);
  });
});
