// A hop whose holder took the request (said "go on", read the body) and then owes the answer. A live holder answers
// 504 itself when the tunnel's client does not, by the tunnel's own deadline, and that answer reaches the sender as a
// single relay would give it; a holder that stopped responding is timed out by the node the sender reached, which
// answers the same 504 instead of holding the sender until the sender gives up.

import { describe, expect, it } from 'vitest';
import { MessageType } from '../../../src/protocol.js';
import { send, waitFor } from '../../helpers/http.js';
import { onCleanup } from '../../nothing-lost/helpers.js';
import { rawClient } from '../helpers.js';
import { skipCluster, startNode, startRedis, TOKENS, type Node } from './helpers.js';

/** A tunnel client on `node` that takes every request and never answers; its `listen --timeout` is 0.3 s. */
async function muteClient(node: Node, name: string) {
  const client = await rawClient(node.url, { token: TOKENS[0], hello: { name, timeoutMs: 300 } });
  await client.next(MessageType.Welcome);
  return client;
}

const hopsCounted = async (node: Node, outcome: string) =>
  Number(new RegExp(`^hooktunnel_cluster_hops_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(await (await fetch(`${node.url}/metrics`)).text())?.[1]);

describe.skipIf(skipCluster)('a hop whose holder took the request and owes the answer', () => {
  it('passes on the holder\'s own 504 for a client that never answers, unchanged', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    // The default --hop-timeout (3 s) is the margin a live holder's own answer has over this node's deadline.
    const a = await startNode('A', redis, 'http://hooks.test');
    const c = await startNode('C', redis, 'http://hooks.test');
    await muteClient(c, 'mute');

    const reply = await send(`${a.url}/t/mute/x`, { body: 'waits', headers: ['Accept', 'application/json'] });
    expect([reply.status, reply.headers['x-hooktunnel-error']]).toEqual([504, 'local_timeout']);
    // Node C's words (the tunnel's 0.3 s and the hint to raise it), not a timeout of node A's own.
    expect(JSON.parse(reply.body.toString())).toEqual({
      error: {
        code: 'local_timeout',
        message: 'the local app did not answer within 0.3 s',
        hint: 'The local app took too long; raise `hooktunnel listen --timeout` (0 waits forever).',
      },
    });
    expect(await hopsCounted(a, 'ok')).toBe(1);
    expect(a.stderr()).not.toMatch(/passed no answer back/);
  });

  it('answers 504 local_timeout itself when the holder froze after taking the body, and logs it', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const a = await startNode('A', redis, 'http://hooks.test', ['--hop-timeout', '300ms']);
    const c = await startNode('C', redis, 'http://hooks.test');
    const client = await muteClient(c, 'stalled');

    const reply = send(`${a.url}/t/stalled/x`, { body: 'taken', headers: ['Accept', 'application/json'] });
    // Node C said "go on", read the body and passed it to its client: it froze holding the request.
    const request = await client.next(MessageType.Request);
    expect(request.type === MessageType.Request && [request.end, request.body.toString()]).toEqual([true, 'taken']);
    c.child.kill('SIGSTOP');
    onCleanup(() => void c.child.kill('SIGCONT'));

    const answer = await reply;
    expect([answer.status, answer.headers['x-hooktunnel-error']]).toEqual([504, 'local_timeout']);
    // 0.3 s (the tunnel's --timeout) + 2 s (a relay's grace over its client) + 0.3 s (--hop-timeout, the margin).
    expect(JSON.parse(answer.body.toString()).error).toEqual({
      code: 'local_timeout',
      message: 'no answer came back within 2.6 s: the relay node holding tunnel stalled took the request and stopped responding',
      hint: 'A relay node took the request and stopped responding before an answer came back; retry.',
    });
    // The node's address is for the operator's log, not for senders on the internet.
    expect(answer.body.toString()).not.toContain(c.url);
    await waitFor(() => a.stderr().includes(`node ${c.url} took a request for tunnel stalled and passed no answer back within 2.6 s`), 'node A to log why');
    expect(await hopsCounted(a, 'failed')).toBe(1);
  });
});
