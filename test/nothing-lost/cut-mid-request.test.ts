// Chaos (issue 11, "Lost after 202"): the CLI's connection to the relay is cut while a large request streams through
// it. Whatever the sender is told must be true: 202 means the local app gets the request exactly once, whole, soon
// after the CLI is back, and the CLI records it byte for byte; a body the relay cannot hold gets a 5xx with
// Retry-After instead, so the sender's own retry delivers it.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/exchange.js';
import { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { sha256, waitFor } from '../helpers/http.js';
import { startCuttingProxy, type CutMode } from './cutting-proxy.js';
import { home, listen, queuedRequests, startRelay, watchfulApp } from './helpers.js';

const MiB = 1024 * 1024;
/** After the CLI is back, a held request reaches the app within this. */
const DELIVERY_MS = 5_000;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
}

/** POSTs the body straight to the relay, as a webhook sender would; a reset before any answer resolves as an error. */
function post(url: string, body: Buffer): Promise<Reply | Error> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/octet-stream' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', resolve);
    req.end(body);
  });
}

async function setup(answer?: () => Promise<void>, relayArgs: string[] = []) {
  const h = home();
  // 30 MiB bodies need more than the default 25 MiB limit.
  const relay = await startRelay(h.relayDir, h.env, 0, ['--max-body', '40mb', ...relayArgs]);
  const proxy = await startCuttingProxy(relay.port);
  const app = await watchfulApp(answer);
  const cli = await listen([String(app.port), '--relay', proxy.url, '--db', h.db, '--name', 'cut'], h.env);
  /** Resolves when the CLI is online again after `connections` connections through the proxy. */
  const reconnected = (connections: number) =>
    waitFor(
      () => proxy.connections > connections && cli.events.filter((e) => e.type === 'status' && e.state === 'online').length > connections,
      'the CLI to reconnect',
      35_000,
    );
  return { h, relay, proxy, app, cli, reconnected };
}

function stored(db: string, match: (row: ExchangeSummary) => boolean) {
  const store = Store.open(db);
  try {
    return store.list({ limit: 100 }).filter(match).map((row) => store.get(row.id)!);
  } finally {
    store.close();
  }
}

const whole = (app: { completed: { url: string; sha256: string }[] }, path: string) => app.completed.filter((c) => c.url === path);

type Case = [label: string, size: number, cutAt: number, mode: CutMode];
const cases: Case[] = [];
for (const [name, size] of [['1 MiB', 1 * MiB], ['10 MiB', 10 * MiB]] as const) {
  for (const [where, fraction] of [['early', 0.1], ['in the middle', 0.5], ['near the end', 0.97]] as const) {
    cases.push([`${name} cut ${where}`, size, Math.floor(size * fraction), 'reset']);
  }
}
cases.push(['10 MiB cut in the middle, the relay not told', 10 * MiB, 5 * MiB, 'silent']);
cases.push(['1 MiB cut near the end, the relay not told', 1 * MiB, Math.floor(0.97 * MiB), 'silent']);

describe('the tunnel cut while a request crosses it', () => {
  it.each(cases)('%s: 202, then delivered exactly once, whole, and recorded', async (_label, size, cutAt, mode) => {
    const { h, relay, proxy, app, cli, reconnected } = await setup();
    const body = randomBytes(size);
    const path = `/upload/${size}/${cutAt}`;
    const cut = proxy.cutAfter(cutAt, mode);
    const reply = await post(`${relay.url}/t/cut${path}`, body);
    await cut;
    expect(reply).toMatchObject({ status: 202 });
    const deliveryId = String((reply as Reply).headers['x-hooktunnel-delivery']);

    await reconnected(1);
    await waitFor(() => whole(app, path).length > 0, 'the whole request to reach the app', DELIVERY_MS);
    await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'the CLI to acknowledge it');
    await waitFor(() => cli.events.some((e) => e.type === 'request' && e.deliveryId === deliveryId && e.state === 'complete'), 'the exchange event');
    expect(whole(app, path)).toEqual([{ url: path, sha256: sha256(body), size }]);

    const rows = stored(h.db, (row) => row.deliveryId === deliveryId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'complete', status: 200, requestSha256: sha256(body) });
    expect(rows[0].requestBody.equals(body)).toBe(true);
    // An attempt the cut ended (when the CLI had seen the request start) stays in the record's history, as a failure
    // the app never saw whole. A cut inside the first frame leaves the CLI nothing to attempt.
    const cutAttempt = cli.events.some((e) => e.type === 'request' && e.deliveryId === deliveryId && e.state === 'failed');
    expect(rows[0].attemptHistory?.map((a) => [a.attempt, a.status, a.errorCode])).toEqual(
      cutAttempt ? [[1, 502, 'tunnel_disconnected'], [2, 200, null]] : [[1, 200, null]],
    );
    if (cutAttempt) expect(rows[0].attemptHistory?.[0].errorMessage).toMatch(/after \d+ bytes of the request body; the local app did not get it whole/);
  });

  it('10 MiB cut once the app has it all, before it answers: 202, the app answers once, the redelivery is recognised', async () => {
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const { h, relay, proxy, app, cli, reconnected } = await setup(() => answered);
    const body = randomBytes(10 * MiB);
    const path = '/upload/whole';
    const replying = post(`${relay.url}/t/cut${path}`, body);
    await waitFor(() => whole(app, path).length === 1, 'the app to have the whole request');
    proxy.cutNow('reset');
    const reply = await replying;
    expect(reply).toMatchObject({ status: 202 });
    const deliveryId = String((reply as Reply).headers['x-hooktunnel-delivery']);

    await reconnected(1);
    // The CLI still holds the first attempt (the app has not answered): the redelivery waits for it, then is ACKed.
    release();
    await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'the CLI to acknowledge the redelivery');
    expect(whole(app, path)).toEqual([{ url: path, sha256: sha256(body), size: body.length }]);
    expect(app.started.filter((url) => url === path)).toHaveLength(1);
    const rows = stored(h.db, (row) => row.deliveryId === deliveryId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'complete', status: 200, requestSha256: sha256(body) });
    expect(cli.events.filter((e) => e.type === 'request' && e.deliveryId === deliveryId).map((e) => e.state)).toEqual(['complete']);
  });

  it('10 MiB cut in the middle with the queue nearly full: 503 queue_full with Retry-After, never 202', async () => {
    const { relay, proxy, app, reconnected } = await setup(undefined, ['--queue-max-bytes', '8mb']);
    const body = randomBytes(10 * MiB);
    const path = '/upload/queue-full';
    const cut = proxy.cutAfter(5 * MiB, 'reset');
    const reply = await post(`${relay.url}/t/cut${path}`, body);
    await cut;
    if (reply instanceof Error) throw reply;
    expect(reply.status).toBe(503);
    expect(reply.headers['x-hooktunnel-error']).toBe('queue_full');
    expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
    expect(await queuedRequests(relay.url)).toBe(0);
    await reconnected(1);
    expect(await post(`${relay.url}/t/cut${path}`, body)).toMatchObject({ status: 200 });
    expect(whole(app, path)).toEqual([{ url: path, sha256: sha256(body), size: body.length }]);
  });

  it.each([
    ['early', 3 * MiB, true],
    ['in the middle', 15 * MiB, false],
    ['near the end', 29 * MiB, false],
  ])('30 MiB (over what the relay keeps) cut %s: 5xx with Retry-After, never 202; the retry is delivered once', { timeout: 60_000 }, async (_label, cutAt, checkViews) => {
    const { h, relay, proxy, app, cli, reconnected } = await setup();
    const body = randomBytes(30 * MiB);
    const path = `/upload/big/${cutAt}`;
    const cut = proxy.cutAfter(cutAt, 'reset');
    const reply = await post(`${relay.url}/t/cut${path}`, body);
    await cut;
    if (reply instanceof Error) throw reply;
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
    expect(await queuedRequests(relay.url)).toBe(0);

    await reconnected(1);
    const retry = await post(`${relay.url}/t/cut${path}`, body);
    expect(retry).toMatchObject({ status: 200 });
    expect(whole(app, path)).toEqual([{ url: path, sha256: sha256(body), size: body.length }]);
    await waitFor(() => cli.events.some((e) => e.type === 'request' && e.path === path && e.state === 'complete'), 'the exchange event');
    const [retried, cutOff, ...others] = stored(h.db, (row) => row.path === path);
    expect(others).toEqual([]);
    expect(retried).toMatchObject({ state: 'complete', status: 200, requestSha256: sha256(body) });
    expect(retried.requestBody.equals(body)).toBe(true);
    if (cutOff === undefined) {
      // The reset reached the CLI before it had read the request's first frame (a reset discards what is unread, which a
      // loaded machine makes likely for an early cut): there was nothing to record, and the app never began it.
      expect(app.started.filter((url) => url === path)).toHaveLength(1);
      return;
    }
    // The cut attempt is kept, and every view says the app never got it whole.
    expect(cutOff).toMatchObject({ state: 'failed', errorCode: 'tunnel_disconnected', requestIncomplete: true, requestSha256: null });
    expect(cutOff.requestBody.equals(body.subarray(0, cutOff.requestSize))).toBe(true);
    if (!checkViews) return;
    const ls = await runCli(['ls', '--db', h.db], { env: h.env });
    expect(ls.stdout.split('\n').find((line) => line.startsWith(`${cutOff.id} `))).toMatch(/ cut /);
    const lsJson = JSON.parse((await runCli(['ls', '--db', h.db, '--json'], { env: h.env })).stdout) as { id: number; request: { complete: boolean } }[];
    expect(lsJson.map((e) => [e.id, e.request.complete])).toEqual([[retried.id, true], [cutOff.id, false]]);
    const show = await runCli(['show', String(cutOff.id), '--db', h.db], { env: h.env });
    expect(show.stdout).toMatch(/body INCOMPLETE: the exchange failed after \d+ bytes of it; the local app never got the request whole/);
    expect(show.stdout).toMatch(/request cut off after .*: not delivered whole|tunnel_disconnected: .* did not get it whole/);
    // Nor is the part sent as if it were the request.
    for (const command of ['replay', 'retry']) {
      const refused = await runCli([command, String(cutOff.id), '--db', h.db], { env: h.env });
      expect(refused.code, command).toBe(2);
      expect(refused.stderr, command).toContain(`error: exchange #${cutOff.id} has only part of its request body`);
    }
    expect(whole(app, path)).toHaveLength(1);
  });
});
