// Scale-out on Redis, losing things: requests for a client that is away wait in Redis and go out once through
// whichever node it comes back to; the node holding a busy tunnel is killed (SIGKILL) and its client is back on
// another node with the same URL, with no webhook that got a 2xx/202 lost or delivered twice.

import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { send, startLocalApp, waitFor, type Reply } from '../../helpers/http.js';
import { home, listen, onCleanup } from '../../nothing-lost/helpers.js';
import { health, holder, skipCluster, startCluster, TOKENS } from './helpers.js';

/**
 * The app counts each body (a unique id per webhook) it gets; it answers after `delayMs` so requests overlap. While
 * `hold` is set it answers nothing: the requests stay in flight on the node holding the tunnel, for a kill to cut.
 */
async function countingApp(delayMs: number) {
  const seen = new Map<string, number>();
  const held: { id: string; res: ServerResponse }[] = [];
  const state = { hold: false };
  const app = await startLocalApp((_req, res, body) => {
    const id = body.toString();
    seen.set(id, (seen.get(id) ?? 0) + 1);
    if (state.hold) return void held.push({ id, res });
    setTimeout(() => res.writeHead(200).end('ok'), delayMs);
  });
  onCleanup(() => app.close());
  return { app, seen, held, state };
}

describe.skipIf(skipCluster)('a relay cluster losing a client or a node', () => {
  it('queues requests for a client that is away in Redis (202), and delivers them once through the node it returns to', { timeout: 60_000 }, async () => {
    const { nodes } = await startCluster();
    const [a, b, c] = nodes;
    const { app, seen } = await countingApp(0);
    const h = home();
    const env = { ...h.env, HOOKTUNNEL_TOKEN: TOKENS[0] };
    const first = await listen([String(app.port), '--relay', a.url, '--name', 'roams', '--db', h.db], env);
    await first.stop();
    await waitFor(async () => (await health(a)).tunnels === 0, 'node A to see the client go');
    const ids = Array.from({ length: 12 }, (_, i) => `away-${i}`);
    for (const [i, id] of ids.entries()) {
      const reply = await send(`${[a, b, c][i % 3].url}/t/roams/e`, { body: id });
      expect(reply.status).toBe(202);
      expect(reply.headers['x-hooktunnel-delivery']).toBeTruthy();
    }
    // Cluster-wide, whichever node is asked (read from Redis about once a second).
    await waitFor(async () => /^hooktunnel_queued_requests 12$/m.test(await (await fetch(`${b.url}/metrics`)).text()), '12 queued on node B\'s /metrics');
    await listen([String(app.port), '--relay', c.url, '--name', 'roams', '--db', h.db], env);
    await waitFor(() => ids.every((id) => seen.get(id) === 1), 'every queued request at the app');
    // Acknowledged and gone from Redis: nothing comes a second time.
    await waitFor(async () => /^hooktunnel_queued_requests 0$/m.test(await (await fetch(`${c.url}/metrics`)).text()), 'an empty queue', 15_000);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });

  it('caps each away-queue by count and bytes across nodes, as a single relay does', { timeout: 60_000 }, async () => {
    const { nodes } = await startCluster(['--queue-max', '2', '--queue-max-bytes', '10']);
    const [a, b, c] = nodes;
    const { app } = await countingApp(0);
    const h = home();
    const first = await listen([String(app.port), '--relay', a.url, '--name', 'capped', '--db', h.db], { ...h.env, HOOKTUNNEL_TOKEN: TOKENS[0] });
    await first.stop();
    await waitFor(async () => (await health(a)).tunnels === 0, 'node A to see the client go');
    const tooBig = await send(`${b.url}/t/capped/e`, { body: '12345678901' });
    expect([tooBig.status, tooBig.headers['x-hooktunnel-error'], tooBig.headers['retry-after']]).toEqual([503, 'queue_full', '60']);
    expect((await send(`${a.url}/t/capped/e`, { body: '12345' })).status).toBe(202);
    expect((await send(`${b.url}/t/capped/e`, { body: '12345' })).status).toBe(202);
    const full = await send(`${c.url}/t/capped/e`, { body: '' });
    expect([full.status, full.headers['x-hooktunnel-error']]).toEqual([503, 'queue_full']);
  });

  it('acknowledge mode on node C answers senders through A and B, queues in Redis, and delivers each once', { timeout: 60_000 }, async () => {
    const { nodes } = await startCluster();
    const [a, b, c] = nodes;
    const { app, seen } = await countingApp(0);
    const h = home();
    await listen([String(app.port), '--relay', c.url, '--name', 'acks', '--ack', '--db', h.db], { ...h.env, HOOKTUNNEL_TOKEN: TOKENS[0] });
    const ids = Array.from({ length: 9 }, (_, i) => `ack-${i}`);
    for (const [i, id] of ids.entries()) {
      const reply = await send(`${[a, b, c][i % 3].url}/t/acks/e`, { body: id });
      expect([reply.status, reply.body.toString()]).toEqual([200, '{"received":true}']);
    }
    await waitFor(() => ids.every((id) => seen.get(id) === 1), 'every acknowledged request at the app');
    await waitFor(async () => /^hooktunnel_queued_requests 0$/m.test(await (await fetch(`${a.url}/metrics`)).text()), 'every ACK in Redis', 15_000);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });

  it('survives kill -9 of the node holding a busy tunnel: in-flight senders get a 502, same URL on another node, nothing accepted lost or doubled', { timeout: 120_000 }, async () => {
    const { nodes, publicUrl, nginx } = await startCluster();
    const { app, seen, held, state } = await countingApp(5);
    const h = home();
    const cli = await listen([String(app.port), '--relay', publicUrl, '--db', h.db], { ...h.env, HOOKTUNNEL_TOKEN: TOKENS[0] });
    const url = cli.url;
    expect(url.startsWith(`${publicUrl}/t/`)).toBe(true);
    const victim = (await waitFor(() => holder(nodes), 'the node holding the tunnel'))!;

    // Senders through the load balancer, 4 at a time, each webhook with its own id. A sender that got no HTTP answer
    // at all is recorded with the error, so the assertions below name it.
    const SENDERS = 4;
    const outcomes = new Map<string, number | string>();
    let next = 0;
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const id = `hook-${next++}`;
        const reply: Reply | string = await send(`${url}/event`, { body: id }).catch((error: Error) => `no answer: ${error.message}`);
        outcomes.set(id, typeof reply === 'string' ? reply : reply.status);
      }
    };
    const senders = Array.from({ length: SENDERS }, sender);
    await waitFor(() => seen.size >= 40, 'traffic before the kill', 20_000);
    // The app stops answering: each sender's request reaches it and stays in flight on the holding node (directly
    // from nginx or hopped from another node). Then the kill cuts exactly these.
    state.hold = true;
    await waitFor(() => held.length === SENDERS, 'every sender\'s request in flight on the holding node', 20_000);
    const killedAt = next;
    const inFlight = held.map((h) => h.id).sort();
    // Exactly the requests no sender has an answer for: one per sender.
    expect(inFlight).toEqual(Array.from({ length: killedAt }, (_, i) => `hook-${i}`).filter((id) => !outcomes.has(id)).sort());
    await victim.crash();
    // Every sender cut by the kill gets an HTTP answer it can retry: 502, from nginx (its upstream died) or from the
    // node that hopped the request (X-Hooktunnel-Error: tunnel_disconnected). Never a dropped connection.
    await waitFor(() => inFlight.every((id) => outcomes.has(id)), 'an answer for every request in flight on the killed node', 30_000);
    expect(inFlight.map((id) => outcomes.get(id))).toEqual(inFlight.map(() => 502));
    state.hold = false;
    for (const { res } of held.splice(0)) res.writeHead(200).end('ok');
    // The client reconnects through nginx to a surviving node, with its resume token: the same id, the same URL.
    const survivors = nodes.filter((node) => node !== victim);
    await waitFor(() => holder(survivors), 'the client back on a surviving node', 30_000);
    const backAt = next;
    await waitFor(() => next > backAt + 60, 'traffic after the client is back', 30_000);
    stop = true;
    await Promise.all(senders);

    expect(outcomes.size).toBe(next);
    // Apart from the cut ones, every sender got 200 (delivered live), 202 (queued while the client was away) or, sent
    // between the kill and the client's return, a 502 to retry (a node's pooled connection to the dead one broke
    // after the request went out: whether it arrived cannot be known, so it is not acknowledged).
    const others = [...outcomes].filter(([id]) => !inFlight.includes(id));
    const refused = others.filter(([, status]) => status !== 200 && status !== 202);
    expect(refused.filter(([id, status]) => status !== 502 || Number(id.slice(5)) < killedAt || Number(id.slice(5)) >= backAt + 8)).toEqual([]);
    const accepted = others.filter(([, status]) => status === 200 || status === 202).map(([id]) => id);
    expect(accepted.length).toBeGreaterThan(100);
    // Each accepted webhook reached the app exactly once: none lost, none doubled.
    await waitFor(() => accepted.every((id) => seen.has(id)), `every accepted webhook at the app (nginx: ${nginx.errorLog().slice(-300)})`, 30_000);
    expect(accepted.filter((id) => seen.get(id) !== 1)).toEqual([]);
    expect(cli.events.filter((e) => e.type === 'ready').every((e) => e.url === url)).toBe(true);
    // Before the kill and after the return, webhooks went through live (200); in between they were queued (202).
    const statuses = (from: number, to: number) =>
      new Set(Array.from({ length: to - from }, (_, i) => `hook-${from + i}`).filter((id) => !inFlight.includes(id)).map((id) => outcomes.get(id)));
    expect(statuses(0, killedAt)).toEqual(new Set([200]));
    expect(statuses(backAt + 8, next)).toEqual(new Set([200]));
  });
});
