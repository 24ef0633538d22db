// Scale-out on Redis: a tunnel held by node C is reached through nodes A and B (streamed hop, byte-exact, recorded),
// 10 MiB crosses nodes, names hold across nodes, and Redis dying and coming back empty is survived.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../../relay-server/cluster/redis-keys.js';
import { toPairs } from '../../../src/http-headers.js';
import { Store } from '../../../src/store/store.js';
import { runCli } from '../../helpers/cli.js';
import { send, sha256, startLocalApp, waitFor } from '../../helpers/http.js';
import { home, listen, onCleanup } from '../../nothing-lost/helpers.js';
import { openSession, rawHttp, refusedSession } from '../helpers.js';
import { health, SECRET, skipCluster, startCluster, startNode, startRedis, TOKENS } from './helpers.js';

const shaApp = async () => {
  // A local app cannot fake an error made by hooktunnel, through a hop either.
  const app = await startLocalApp((_req, res, body) => res.writeHead(201, { 'X-Sha': sha256(body), 'X-Hooktunnel-Error': 'fake' }).end(sha256(body)));
  onCleanup(() => app.close());
  return app;
};

describe.skipIf(skipCluster)('three relay nodes on one Redis, behind nginx', () => {
  it('passes webhooks sent to A and B to the tunnel on C, byte for byte, headers in order, and the CLI records them', { timeout: 60_000 }, async () => {
    const { nodes, publicUrl } = await startCluster();
    const [a, b, c] = nodes;
    const app = await shaApp();
    const h = home();
    const cli = await listen([String(app.port), '--relay', c.url, '--name', 'on-c', '--db', h.db], { ...h.env, HOOKTUNNEL_TOKEN: TOKENS[0] });
    expect(cli.url).toBe(`${publicUrl}/t/on-c`);
    expect((await health(c)).tunnels).toBe(1);

    const sent: Buffer[] = [];
    for (const node of [a, b]) {
      const body = Buffer.concat([Buffer.from(`{"via":"${node.name}"}\r\n`), randomBytes(3000)]);
      sent.push(body);
      const headers = ['Content-Type', 'application/octet-stream', 'X-Dup', 'one', 'x-dup', 'two', 'X-Case-Kept', 'Yes'];
      const reply = await send(`${node.url}/t/on-c/hook/${node.name}?x=1&x=2`, { headers, body });
      expect(reply.status).toBe(201);
      expect(reply.body.toString()).toBe(sha256(body));
      expect(reply.headers['x-sha']).toBe(sha256(body));
      expect(reply.headers['x-hooktunnel-error']).toBeUndefined();
    }
    // A chunked body (no Content-Length) stays a whole body across the hop.
    const chunked = randomBytes(70_000);
    sent.push(chunked);
    expect((await send(`${a.url}/t/on-c/chunked`, { headers: ['Transfer-Encoding', 'chunked'], body: chunked })).status).toBe(201);

    expect(app.received.map((r) => r.url)).toEqual(['/hook/A?x=1&x=2', '/hook/B?x=1&x=2', '/chunked']);
    app.received.forEach((r, i) => expect(r.body.equals(sent[i])).toBe(true));
    for (const received of app.received.slice(0, 2)) {
      const pairs = toPairs(received.rawHeaders);
      expect(pairs.filter(([name]) => /^(x-dup|x-case-kept)$/i.test(name))).toEqual([['X-Dup', 'one'], ['x-dup', 'two'], ['X-Case-Kept', 'Yes']]);
      // The sender's address as the first node saw it, and no trace of the hop.
      expect(pairs.filter(([name]) => name.toLowerCase() === 'x-forwarded-for')).toEqual([['X-Forwarded-For', '127.0.0.1']]);
      expect(pairs.some(([name]) => name.toLowerCase().startsWith('x-hooktunnel'))).toBe(false);
    }

    await waitFor(() => cli.events.filter((e) => e.type === 'request' && e.status === 201).length === 3, 'three recorded exchanges');
    const store = Store.open(h.db);
    try {
      const rows = store.list({ limit: 10, oldestFirst: true });
      expect(rows.map((row) => store.get(row.id)!.requestBody.equals(sent[rows.indexOf(row)]))).toEqual([true, true, true]);
    } finally {
      store.close();
    }
  });

  it('carries a 10 MiB body to the node holding the tunnel and its answer back', { timeout: 60_000 }, async () => {
    const { nodes } = await startCluster();
    const [a, , c] = nodes;
    const app = await shaApp();
    await openSession(c.url, app.port, { token: TOKENS[0], name: 'big' });
    const body = randomBytes(10 * 1024 * 1024);
    const reply = await send(`${a.url}/t/big/upload`, { body, headers: ['Content-Type', 'application/octet-stream'] });
    expect(reply.status).toBe(201);
    expect(reply.body.toString()).toBe(sha256(body));
    expect(app.received[0].sha256).toBe(sha256(body));
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/^hooktunnel_cluster_hops_total\{outcome="ok"\} 1$/m);
    // As curl sends it (Expect: 100-continue): node A says "go on", and the holder takes the hop's body as it streams.
    const expecting = await send(`${a.url}/t/big/upload`, { body, headers: ['Content-Type', 'application/octet-stream', 'Expect', '100-continue'] });
    expect([expecting.status, expecting.body.toString()]).toEqual([201, sha256(body)]);
    app.received.pop();
    // HTTP/1.0 may leave Host out (path-style routing needs none): through the hop as on a single relay, although the
    // hop itself goes as HTTP/1.1.
    const http10 = await rawHttp(a.url, 'POST /t/big/old HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi');
    expect(http10.split('\r\n')[0]).toBe('HTTP/1.1 201 Created');
    expect(app.received.pop()?.url).toBe('/old');

    // One byte over the limit, chunked (no length to refuse it by up front): the holder counts it as it streams
    // and its 413 comes back whole through the hop.
    const tooLarge = await send(`${a.url}/t/big/upload`, { body: Buffer.alloc(26_214_401), headers: ['Transfer-Encoding', 'chunked'] });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers['x-hooktunnel-error']).toBe('body_too_large');
    expect(app.received).toHaveLength(1);
  });

  it('refuses a hop with the wrong secret, answers 404 for a tunnel no node knows, and never passes a hop on', { timeout: 60_000 }, async () => {
    const { nodes } = await startCluster();
    const [a, , c] = nodes;
    const app = await shaApp();
    await openSession(c.url, app.port, { token: TOKENS[0], name: 'guarded' });
    const forged = await send(`${c.url}/t/guarded/x`, { headers: ['X-Hooktunnel-Hop', `${SECRET}x`], body: 'x' });
    expect(forged.status).toBe(401);
    expect(forged.headers['x-hooktunnel-error']).toBe('unauthorized');
    // Asking to go on first, it is refused before a 100: no body is uploaded for the 401.
    const asking = net.connect(Number(new URL(c.url).port), '127.0.0.1');
    asking.write(`POST /t/guarded/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Hooktunnel-Hop: ${SECRET}x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n`);
    const firstLine = await new Promise<string>((resolve) => asking.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0])));
    asking.destroy();
    expect(firstLine).toBe('HTTP/1.1 401 Unauthorized');
    const unknown = await send(`${a.url}/t/nobody-here/x`, { body: 'x' });
    expect(unknown.status).toBe(404);
    expect(app.received).toHaveLength(0);

    // A genuine hop that reaches a node not holding the tunnel is never passed on (no loops between nodes with
    // stale views): that node queues it, and the holder is woken to deliver it.
    const stray = await send(`${a.url}/t/guarded/stray`, { headers: ['X-Hooktunnel-Hop', SECRET, 'X-Hooktunnel-Hop-Url', 'http://lb/t/guarded/stray'], body: 'stray' });
    expect(stray.status).toBe(202);
    await waitFor(() => app.received.length === 1, 'the queued hop at the app');
    expect([app.received[0].url, app.received[0].body.toString()]).toEqual(['/stray', 'stray']);
    expect(app.received[0].rawHeaders.some((h) => /^x-hooktunnel-hop/i.test(h))).toBe(false);
  });

  it('binds a name to its token on every node', { timeout: 60_000 }, async () => {
    const { nodes, redis } = await startCluster();
    const [a, b, c] = nodes;
    const app = await shaApp();
    const alice = await openSession(a.url, app.port, { token: TOKENS[0], name: 'owned' });
    expect((await refusedSession(b.url, { token: TOKENS[1], name: 'owned' })).message).toMatch(/reserved by another token.*name_reserved/);
    expect((await refusedSession(c.url, { token: TOKENS[0], name: 'owned' })).message).toMatch(/in use by another connected client.*name_taken/);
    alice.close();
    await waitFor(async () => (await health(a)).tunnels === 0, 'node A to see alice go');
    // Still Alice's while she is away: bound until released, as on one relay.
    expect((await refusedSession(c.url, { token: TOKENS[1], name: 'owned' })).message).toMatch(/name_reserved/);
    const back = await openSession(c.url, app.port, { token: TOKENS[0], name: 'owned' });
    expect((await send(`${b.url}/t/owned/back`, { body: 'hi' })).status).toBe(201);
    back.close();
    await waitFor(async () => (await health(c)).tunnels === 0, 'node C to see alice go');

    // The operator frees it for the whole cluster, in Redis; then another token may have it.
    // Its token by the label `relay token list` gives it, when this command is given the nodes' tokens.
    const listed = await runCli(['relay', 'name', 'list', '--redis', redis.url], { env: { HOOKTUNNEL_RELAY_TOKENS: TOKENS.join(',') } });
    expect(listed.stdout).toMatch(/^owned +HOOKTUNNEL_RELAY_TOKENS #1$/m);
    const unknown = await runCli(['relay', 'name', 'list', '--redis', redis.url]);
    expect(unknown.stdout).toMatch(/^owned +\(another node's stored token, a --token-file token not given here, or revoked: [0-9a-f]{12}…\)$/m);
    // A token file that cannot be read: the names are still listed, and the command says what it lacks and fails.
    const unreadable = await runCli(['relay', 'name', 'list', '--redis', redis.url, '--token-file', '/nonexistent/tokens']);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stdout).toMatch(/^owned +\(another node's stored token, a token of the unreadable --token-file, or revoked: [0-9a-f]{12}…\)$/m);
    expect(unreadable.stderr).toMatch(/^error: could not read the token file \/nonexistent\/tokens \(--token-file or HOOKTUNNEL_RELAY_TOKEN_FILE\): no such file; /);
    const released = await runCli(['relay', 'name', 'release', 'owned'], { env: { HOOKTUNNEL_REDIS: redis.url } });
    expect([released.code, released.stdout]).toEqual([0, 'Released "owned" on every node; the next token that asks for it gets it.\n']);
    const again = await runCli(['relay', 'name', 'release', 'owned', '--redis', redis.url]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringMatching(/"owned" is not a reserved name in this cluster/)]);
    await openSession(a.url, app.port, { token: TOKENS[1], name: 'owned' });
  });

  it('lets --force take a connected name over from another node; the displaced client stops', { timeout: 60_000 }, async () => {
    const { nodes } = await startCluster();
    const [a, b] = nodes;
    const app = await shaApp();
    const first = await openSession(a.url, app.port, { token: TOKENS[0], name: 'contested' });
    const displaced = new Promise<Error>((resolve) => first.once('fatal', resolve));
    await openSession(b.url, app.port, { token: TOKENS[0], name: 'contested', force: true });
    expect((await displaced).message).toContain('another client took over tunnel contested');
    await waitFor(async () => (await health(a)).tunnels === 0, 'node A to let go of the tunnel');
    // Both nodes now reach the new holder.
    for (const node of [a, b]) expect((await send(`${node.url}/t/contested/x`, { body: node.name })).status).toBe(201);
  });

  it('keeps serving held tunnels while Redis is down, answers 503 for the rest, and re-registers when it is back', { timeout: 60_000 }, async () => {
    const { nodes, redis } = await startCluster();
    const [a, b, c] = nodes;
    const app = await shaApp();
    await openSession(c.url, app.port, { token: TOKENS[0], name: 'steady' });
    await openSession(c.url, app.port, { token: TOKENS[0], name: 'unseen' });
    expect((await send(`${a.url}/t/steady/before`, { body: '1' })).status).toBe(201);

    await redis.stop();
    await waitFor(async () => (await health(a)).cluster.redis === 'down', 'node A to notice Redis is down');
    // Why, once (not on every reconnect attempt): the network's reason, not ioredis's "Connection is closed.".
    await waitFor(() => /Redis at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED 127\.0\.0\.1:\d+; retrying/.test(a.stderr()), 'node A to say why Redis is down');
    expect((await send(`${c.url}/t/steady/held`, { body: '2' })).status).toBe(201);
    // Node A never looked `unseen` up: without Redis it cannot know where it is.
    const lost = await send(`${a.url}/t/unseen/elsewhere`, { body: '3', headers: ['Accept', 'application/json'] });
    expect(lost.status).toBe(503);
    expect(lost.headers['x-hooktunnel-error']).toBe('tunnel_offline');
    expect(lost.headers['retry-after']).toBe('5');
    expect(lost.body.toString()).toMatch(/cannot reach Redis/);
    expect(lost.body.toString()).not.toMatch(/hooktunnel is not connected/);
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/^hooktunnel_redis_up 0$/m);
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);

    // Back, empty (no persistence in this test): node C writes its tunnel and name again.
    await redis.start();
    // Probed with requests of their own: one answered 202 (queued while C re-registers) is delivered later, and a
    // probe retried with the same body would look like a duplicate.
    await waitFor(async () => (await send(`${b.url}/t/unseen/probe`, { body: 'probe' })).status === 201, 'the tunnel on C to be reachable through B again', 20_000);
    expect((await send(`${b.url}/t/unseen/after`, { body: '4' })).status).toBe(201);
    // Each node reconnects on its own schedule: B being back says nothing about A.
    await waitFor(async () => (await health(a)).cluster.redis === 'up', 'node A to reconnect to Redis');
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/^hooktunnel_redis_up 1$/m);
    expect((await refusedSession(a.url, { token: TOKENS[1], name: 'steady' })).message).toMatch(/name_reserved/);
    // Each 503 above reached no app: only the answered requests arrived, once each.
    expect(app.received.filter((r) => !r.url.endsWith('/probe')).map((r) => r.body.toString())).toEqual(['1', '2', '4']);
  });

  it('reports a Redis that stops answering (stalled, connection still open) as down on /healthz and /metrics, and up again once it answers', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const a = await startNode('A', redis, 'http://hooks.test');
    const b = await startNode('B', redis, 'http://hooks.test');
    const app = await shaApp();
    await openSession(b.url, app.port, { token: TOKENS[0], name: 'held' });
    redis.pause();
    onCleanup(() => redis.resume());
    // Every lookup now waits for the command timeout: the node must say Redis is down, not up.
    await waitFor(async () => (await health(a)).cluster.redis === 'down', 'node A to report the stalled Redis', 20_000);
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/^hooktunnel_redis_up 0$/m);
    expect(a.stderr()).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ does not answer \(Command timed out\): serving the tunnels held here/);
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    const stalled = await send(`${a.url}/t/held/x`, { body: 'stalled' });
    expect([stalled.status, stalled.headers['x-hooktunnel-error'], stalled.headers['retry-after']]).toEqual([503, 'tunnel_offline', '5']);
    expect((await send(`${b.url}/t/held/x`, { body: 'held' })).status).toBe(201);

    redis.resume();
    await waitFor(async () => (await health(a)).cluster.redis === 'up', 'node A to see Redis answer again', 20_000);
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/^hooktunnel_redis_up 1$/m);
    expect(a.stderr()).toMatch(/Redis answers again/);
    await waitFor(async () => (await send(`${a.url}/t/held/probe`, { body: 'probe' })).status === 201, 'the tunnel on B reachable through A again', 20_000);
    expect(app.received.filter((r) => r.url.endsWith('/x')).map((r) => r.body.toString())).toEqual(['held']);
  });

  it('does not answer 202 for a request whose tunnel Redis forgot while its body arrived (a restart without persistence)', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const a = await startNode('A', redis, 'http://hooks.test');
    const b = await startNode('B', redis, 'http://hooks.test');
    const app = await shaApp();
    const session = await openSession(b.url, app.port, { token: TOKENS[0] });
    const id = session.welcome!.tunnelId;
    session.close();
    await waitFor(async () => (await health(b)).tunnels === 0, 'the client to be away');
    const monitor = await new Redis(redis.url).on('error', () => {}).monitor();
    monitor.on('error', () => {});
    onCleanup(() => void monitor.disconnect());
    const checked = new Promise<void>((resolve) => monitor.on('monitor', (_time: string, args: string[]) => args[0].toLowerCase() === 'xlen' && args[1] === redisKeys.queue(id) && resolve()));
    // The head and half the body: node A looks the away tunnel up (known, room in its queue) and reads on.
    const socket = net.connect(a.port, '127.0.0.1');
    onCleanup(() => void socket.destroy());
    let answer = '';
    socket.setEncoding('latin1').on('data', (text: string) => (answer += text));
    socket.write(`POST /t/${id}/x HTTP/1.1\r\nHost: hooks.test\r\nContent-Length: 10\r\nConnection: close\r\n\r\n12345`);
    await checked;
    // What a Redis restarted without persistence holds: nothing. The URL is gone, as docs/scale-out.md says.
    const admin = new Redis(redis.url).on('error', () => {});
    onCleanup(() => void admin.disconnect());
    await admin.flushall();
    socket.write('67890');
    await new Promise((resolve) => socket.on('close', resolve));
    // Not a 202: the request would sit in a stream no client will ever read (the client comes back with a new URL).
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toMatch(/x-hooktunnel-error: tunnel_offline\r\n/i);
    expect(answer).toMatch(/Retry-After: 5\r\n/i);
    expect(answer).toMatch(/cluster directory/);
    expect(answer).not.toMatch(/hooktunnel is not connected/);
    expect(await admin.exists(redisKeys.queue(id))).toBe(0);
    // Its retry learns the URL is gone.
    expect((await send(`${a.url}/t/${id}/x`, { body: '1234567890' })).status).toBe(404);
  });

  it('ends the hop when the first node answers a slow sender 408: the holder and the app are not left holding half a request', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const a = await startNode('A', redis, 'http://hooks.test', ['--request-timeout', '1s']);
    const b = await startNode('B', redis, 'http://hooks.test');
    // The app sees the request start (the tunnel streams it) and, if the hop is cut, its end without a body.
    const started: string[] = [];
    const cut: string[] = [];
    const app = http.createServer((req, res) => {
      started.push(req.url!);
      req.on('data', () => {});
      req.on('error', () => {});
      req.on('close', () => !req.complete && cut.push(req.url!));
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => app.close(() => resolve())));
    await openSession(b.url, (app.address() as net.AddressInfo).port, { token: TOKENS[0], name: 'slowpoke' });

    const socket = net.connect(a.port, '127.0.0.1');
    onCleanup(() => void socket.destroy());
    let answer = '';
    socket.setEncoding('latin1').on('data', (text: string) => (answer += text));
    socket.write('POST /t/slowpoke/half HTTP/1.1\r\nHost: hooks.test\r\nContent-Length: 100\r\n\r\nfirst half');
    await new Promise((resolve) => socket.on('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 408 [^]*x-hooktunnel-error: request_timeout/i);
    expect(started).toEqual(['/half']);
    // Node B's own --request-timeout is 60 s: the app must not wait for it.
    await waitFor(() => cut.length === 1, 'the app to see the half request end');
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/^hooktunnel_cluster_hops_total\{outcome="failed"\} 1$/m);
  });

  it('starts while Redis is down (a node restarting during an outage), serves degraded, and joins when Redis is up', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    await redis.stop();
    const a = await startNode('A', redis, 'http://hooks.test');
    expect(a.stderr()).toMatch(new RegExp(`Redis at ${redis.url} is not reachable .*serving degraded`));
    expect(a.stderr()).not.toMatch(/\n\s+at /);
    const down = await health(a);
    expect(down.cluster.redis).toBe('down');
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/^hooktunnel_redis_up 0$/m);
    const lost = await send(`${a.url}/t/nowhere/x`, { body: '0' });
    expect([lost.status, lost.headers['x-hooktunnel-error'], lost.headers['retry-after']]).toEqual([503, 'tunnel_offline', '5']);
    const refused = (await refusedSession(a.url, { token: TOKENS[0], name: 'early' })).message;
    expect(refused).toMatch(/cannot reach its cluster's registry right now \(Redis is not connected\); retrying.*cluster_unavailable/);
    // Said once, in words: not ioredis's own ("Stream isn't writeable and enableOfflineQueue options is false"), and
    // no expiry pass failing (twice: the queue was started twice) on a Redis the node already said is down.
    expect(a.stderr()).not.toMatch(/enableOfflineQueue|Connection is closed|queue expiry failed/);

    // Redis comes up: node A connects by itself (no restart), takes a client, and node B reaches it through Redis.
    await redis.start();
    await waitFor(async () => (await health(a)).cluster.redis === 'up', 'node A to reach Redis', 20_000);
    expect(a.stderr()).toMatch(/Redis is reachable/);
    // Subscribed to the cluster's events (moves, kicks), though there was no Redis to subscribe to at start.
    const probe = new Redis(redis.url);
    probe.on('error', () => {});
    onCleanup(() => void probe.disconnect());
    await waitFor(async () => ((await probe.pubsub('NUMSUB', redisKeys.events)) as [string, number])[1] === 1, 'node A subscribed to the events');
    const app = await shaApp();
    await openSession(a.url, app.port, { token: TOKENS[0], name: 'late' });
    const b = await startNode('B', redis, 'http://hooks.test');
    const viaB = await send(`${b.url}/t/late/through-b`, { body: 'via B' });
    expect([viaB.status, viaB.headers['x-hooktunnel-error'], viaB.body.toString()]).toEqual([201, undefined, sha256(Buffer.from('via B'))]);
    expect(app.received.map((r) => r.body.toString())).toEqual(['via B']);
  });
});
