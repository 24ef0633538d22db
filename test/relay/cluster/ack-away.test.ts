// Acknowledge mode with the client away from the whole cluster: its --ack-status/--ack-body/--ack-path live in Redis
// with its id's reservation, so every node answers its senders as it asked; the requests go out once through the node
// it comes back to (by resume token, no --name), and coming back without --ack makes every node forget the settings.

import { describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/store.js';
import { send, startLocalApp, waitFor } from '../../helpers/http.js';
import { home, listen, onCleanup, requestEvents } from '../../nothing-lost/helpers.js';
import { holder, skipCluster, startCluster, TOKENS } from './helpers.js';

const ACK_BODY = '{"accepted":"later","by":"cluster"}';

describe.skipIf(skipCluster)('acknowledge mode with the client away from a cluster', () => {
  it('answers on every node with the client\'s ack, delivers each request once where it returns, forgets it after a plain listen', { timeout: 90_000 }, async () => {
    const { nodes, publicUrl } = await startCluster();
    const [a, b] = nodes;
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const h = home();
    const env = { ...h.env, HOOKTUNNEL_TOKEN: TOKENS[0] };
    // Through the load balancer (the CLI keeps its resume token per relay URL): it lands on any node each time.
    const base = [String(app.port), '--db', h.db, '--relay', publicUrl];
    const acking = [...base, '--ack', '--ack-status', '201', '--ack-body', ACK_BODY, '--ack-path', '/hooks'];

    const first = await listen(acking, env);
    const path = new URL(first.url).pathname;
    await first.stop();
    await waitFor(async () => (await holder(nodes)) === undefined, 'its node to see the client go');

    for (const [i, node] of nodes.entries()) {
      const reply = await send(`${node.url}${path}/hooks/${i}`, { body: `hook ${i}`, headers: ['Content-Type', 'text/plain'] });
      expect([node.name, reply.status, reply.body.toString()]).toEqual([node.name, 201, ACK_BODY]);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(reply.headers['x-hooktunnel-delivery']).toEqual(expect.any(String));
    }
    // A path the client does not acknowledge gets the relay's own queued answer.
    const other = await send(`${b.url}${path}/other`, { body: 'other' });
    expect([other.status, other.body.toString()]).toEqual([202, '{"queued":true}']);

    // Back with its resume token: same URL, each request once, the sender's answer recorded.
    const back = await listen(acking, env);
    expect(new URL(back.url).pathname).toBe(path);
    await waitFor(() => requestEvents(back.events).filter((e) => e.status === 200).length >= 4, 'the 4 queued requests delivered', 30_000);
    await waitFor(async () => /^hooktunnel_queued_requests 0$/m.test(await (await fetch(`${a.url}/metrics`)).text()), 'every ACK in Redis', 15_000);
    await back.stop();
    expect(app.received.map((r) => `${r.url} ${r.body.toString()}`).sort()).toEqual(['/hooks/0 hook 0', '/hooks/1 hook 1', '/hooks/2 hook 2', '/other other']);

    const store = Store.open(h.db);
    try {
      const senders = store.list({ limit: 10, oldestFirst: true }).map((row) => {
        const exchange = store.get(row.id)!;
        return `${row.path} ${exchange.sender?.reason} ${exchange.sender?.status} ${exchange.senderBody?.toString()}`;
      });
      expect(senders.sort()).toEqual([
        `/hooks/0 ack 201 ${ACK_BODY}`,
        `/hooks/1 ack 201 ${ACK_BODY}`,
        `/hooks/2 ack 201 ${ACK_BODY}`,
        '/other offline 202 {"queued":true}',
      ]);
    } finally {
      store.close();
    }

    // Back once more without --ack: every node forgets the settings.
    const plain = await listen(base, env);
    expect(new URL(plain.url).pathname).toBe(path);
    await plain.stop();
    await waitFor(async () => (await holder(nodes)) === undefined, 'its node to see the client go');
    for (const node of nodes) {
      const reply = await send(`${node.url}${path}/hooks/late`, { body: 'late' });
      expect([node.name, reply.status, reply.body.toString()]).toEqual([node.name, 202, '{"queued":true}']);
    }
  });
});
