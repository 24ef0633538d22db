// A cluster without tokens (two real `hooktunnel relay --redis` nodes on loopback, a real redis-server): a random id
// handed out by node A is refused to `listen --name <id> --force` through node B, while its client is connected and
// while it is away; the client keeps its URL and gets what was queued for it.

import { describe, expect, it } from 'vitest';
import { send, startLocalApp, waitFor } from '../../helpers/http.js';
import { home, listen, onCleanup, startRelay, type RelayProcess } from '../../nothing-lost/helpers.js';
import { freePort } from '../helpers.js';
import { inCi } from '../proxy-helpers.js';
import { REDIS, SECRET, startRedis, type RedisProcess } from './helpers.js';

/** A node that accepts clients without a token (on loopback, as `hooktunnel relay` allows). */
async function anonymousNode(redis: RedisProcess): Promise<RelayProcess> {
  const h = home();
  const port = await freePort();
  return startRelay(h.relayDir, h.env, port, ['--redis', redis.url, '--node-url', `http://127.0.0.1:${port}`, '--cluster-secret', SECRET]);
}

async function tunnels(node: RelayProcess): Promise<number> {
  return ((await (await fetch(`${node.url}/healthz`)).json()) as { tunnels: number }).tunnels;
}

describe.skipIf(!REDIS && !inCi)('a random id on a cluster without tokens', () => {
  it('is refused to a --name on another node, with --force, connected or away', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const [a, b] = await Promise.all([anonymousNode(redis), anonymousNode(redis)]);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const h = home();
    const owner = await listen([String(app.port), '--relay', a.url, '--db', h.db, '--no-web'], h.env);
    const id = new URL(owner.url).pathname.replace('/t/', '');

    const other = home();
    const takeOver = () =>
      listen([String(app.port), '--relay', b.url, '--name', id, '--force', '--db', other.db, '--no-web'], other.env).then(
        () => {
          throw new Error(`a listen on node B got ${id}`);
        },
        (error: Error) => error.message,
      );
    // The message of listen --json's error line, as startListen's rejection quotes it.
    const refusal = JSON.stringify(`name "${id}" is the URL of another client's tunnel on this relay, and only that client can come back on it; pick another --name (name_reserved)`);

    expect(await takeOver()).toContain(refusal);
    // Still the owner's: a webhook sent to node B reaches it through node A.
    expect((await send(`${b.url}/t/${id}/through-b`, { body: 'x' })).status).toBe(200);
    await owner.waitForRequest((e) => e.path === '/through-b', 'the owner to record /through-b');

    await owner.kill();
    await waitFor(async () => (await tunnels(a)) === 0, 'node A to see the owner leave');
    expect((await send(`${b.url}/t/${id}/while-away`, { body: 'queued' })).status).toBe(202);
    expect(await takeOver()).toContain(refusal);

    const back = await listen([String(app.port), '--relay', a.url, '--db', h.db, '--no-web'], h.env);
    expect(back.url).toBe(owner.url);
    await back.waitForRequest((e) => e.path === '/while-away', 'the queued request');
  });
});
