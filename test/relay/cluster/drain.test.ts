// A cluster node draining (SIGTERM on a real `hooktunnel relay --redis` process): a request that reaches it for a
// tunnel held by another node is queued in Redis (202), not hopped, and the holder delivers it at once; the hop that
// was in flight when the drain began finishes with the app's own answer; the other nodes serve as before.

import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { send, startLocalApp, waitFor } from '../../helpers/http.js';
import { home, listen, onCleanup, requestEvents } from '../../nothing-lost/helpers.js';
import { skipCluster, startCluster, TOKENS } from './helpers.js';

describe.skipIf(skipCluster)('a cluster node draining', () => {
  it('queues new requests for another node\'s tunnel (202, delivered once by the holder) while its in-flight hop finishes', { timeout: 90_000 }, async () => {
    const { nodes } = await startCluster();
    const [a, , c] = nodes;
    const held: ServerResponse[] = [];
    const app = await startLocalApp((req, res) => {
      if (req.url!.startsWith('/slow')) held.push(res);
      else res.writeHead(200, { 'Content-Type': 'text/plain' }).end('app got it');
    });
    onCleanup(() => app.close());
    const h = home();
    const cli = await listen([String(app.port), '--relay', c.url, '--name', 'drainy', '--db', h.db], { ...h.env, HOOKTUNNEL_TOKEN: TOKENS[0] });

    // In flight through node A's hop to C when A is told to stop.
    const inFlight = send(`${a.url}/t/drainy/slow`, { body: 'in flight' });
    await waitFor(() => held.length === 1, 'the in-flight request at the app');
    const exited = new Promise<number | null>((resolve) => a.child.once('exit', resolve));
    a.child.kill('SIGTERM');
    await waitFor(() => a.stderr().includes('SIGTERM: draining'), 'node A to start draining');
    expect((await fetch(`${a.url}/healthz`)).status).toBe(503);

    const during = await send(`${a.url}/t/drainy/during-drain`, { body: 'sent during the drain' });
    expect([during.status, during.body.toString()]).toEqual([202, '{"queued":true}']);
    expect(during.headers['x-hooktunnel-delivery']).toEqual(expect.any(String));
    expect(during.headers['x-hooktunnel-error']).toBeUndefined();
    // Node C holds the tunnel and is not draining: it delivers the queued request now, and serves new ones live.
    await waitFor(() => requestEvents(cli.events).some((e) => e.path === '/during-drain' && e.status === 200), 'the queued request delivered by node C');
    const direct = await send(`${c.url}/t/drainy/direct`, { body: 'direct' });
    expect([direct.status, direct.body.toString()]).toEqual([200, 'app got it']);

    held[0].writeHead(200).end('finished');
    const finished = await inFlight;
    expect([finished.status, finished.body.toString()]).toEqual([200, 'finished']);
    expect(await exited).toBe(0);
    await waitFor(async () => /^hooktunnel_queued_requests 0$/m.test(await (await fetch(`${c.url}/metrics`)).text()), 'every ACK in Redis', 15_000);
    expect(app.received.map((r) => `${r.url} ${r.body.toString()}`)).toEqual(['/slow in flight', '/during-drain sent during the drain', '/direct direct']);
  });
});
