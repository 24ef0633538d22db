// export → import → diff, end to end: real relay, real listen, real local app, the CLI as child processes.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startListen, tempHome, loopbackRelay } from '../helpers/cli.js';
import { freePort, send, startLocalApp } from '../helpers/http.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('hooktunnel import', () => {
  it('imports its own export byte for byte: diff finds no difference, replay sends the same bytes', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const relayUrl = await loopbackRelay(cleanups);
    const app = await startLocalApp();
    cleanups.push(() => app.close());
    const listen = await startListen([`${app.url}/base`, '--relay', relayUrl, '--db', home.db], home.env);
    cleanups.push(() => listen.stop());

    await send(`${listen.url}/json?a=1`, { headers: ['Content-Type', 'application/json', 'X-Dup', '1', 'x-dup', '2'], body: '{"id": "evt_1", "amount": 2000}' });
    await send(`${listen.url}/binary`, { headers: ['Content-Type', 'application/octet-stream'], body: ALL_BYTES });
    const ids = (await listen.waitForRequest((e) => e.path === '/binary', 'both exchanges')) && listen.events.filter((e) => e.type === 'request').map((e) => e.id as number);
    expect(ids).toHaveLength(2);

    const file = join(home.dir, 'out.har');
    expect((await runCli(['export', '--har', file, '--db', home.db], { env: home.env })).code).toBe(0);
    const imported = await runCli(['import', file, '--json', '--db', home.db], { env: home.env });
    expect(imported.stderr).toBe('');
    const newIds = JSON.parse(imported.stdout).imported as number[];
    expect(newIds).toHaveLength(2);

    for (const [i, id] of ids.entries()) {
      const diff = await runCli(['diff', String(id), String(newIds[i]), '--exit-code', '--db', home.db], { env: home.env });
      expect(diff.stdout).toContain('no differences');
      expect(diff.code).toBe(0);
      const [before, after] = await Promise.all([id, newIds[i]].map((n) => runCli(['show', String(n), '--json', '--db', home.db], { env: home.env })));
      const strip = (j: Record<string, unknown>) => ({ ...j, id: 0, deliveryId: null, durationMs: 0, attemptHistory: [] });
      expect(strip(JSON.parse(after.stdout))).toEqual(strip(JSON.parse(before.stdout)));
    }
    const raw = await runCli(['show', String(newIds[1]), '--raw', '--db', home.db], { env: home.env });
    expect(raw.stdoutBytes.equals(ALL_BYTES)).toBe(true);

    const replay = await runCli(['replay', String(newIds[1]), '--db', home.db], { env: home.env });
    expect(replay.code).toBe(0);
    const last = app.received.at(-1)!;
    expect(last.url).toBe('/base/binary');
    expect(last.body.equals(ALL_BYTES)).toBe(true);
  });

  it('keeps a replay linked to its original, under their new ids; without its original in the archive, unlinked', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const relayUrl = await loopbackRelay(cleanups);
    const app = await startLocalApp();
    cleanups.push(() => app.close());
    const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db], home.env);
    cleanups.push(() => listen.stop());
    // A Stripe delivery (no secret: the provider and event id are what the duplicate marks go by).
    const headers = ['Content-Type', 'application/json', 'Stripe-Signature', 't=1,v1=00'];
    await send(`${listen.url}/stripe`, { headers, body: '{"id":"evt_replayed","object":"event","type":"invoice.paid"}' });
    const original = (await listen.waitForRequest((e) => e.path === '/stripe', 'the delivery')).id as number;
    const replayed = await runCli(['replay', String(original), '--json', '--db', home.db], { env: home.env });
    const replay = JSON.parse(replayed.stdout).id as number;
    const show = async (id: number) => JSON.parse((await runCli(['show', String(id), '--json', '--db', home.db], { env: home.env })).stdout);
    expect(await show(replay)).toMatchObject({ replayOf: original, webhook: { provider: 'stripe', eventId: 'evt_replayed', duplicateOf: null } });

    const file = join(home.dir, 'out.har');
    expect((await runCli(['export', '--har', file, '--db', home.db], { env: home.env })).code).toBe(0);
    // Into the same store, so the new ids differ from the exported ones, which name other exchanges here.
    const imported = await runCli(['import', file, '--json', '--db', home.db], { env: home.env });
    const [newOriginal, newReplay] = JSON.parse(imported.stdout).imported as number[];
    expect(newOriginal).not.toBe(original);
    const strip = (j: Record<string, unknown>) => ({ ...j, id: 0, deliveryId: null, durationMs: 0, attemptHistory: [] });
    // As it was, linked to the original's new id, and (a replay) not marked a duplicate of the first delivery.
    expect(strip(await show(newReplay))).toEqual({ ...strip(await show(replay)), replayOf: newOriginal });
    const ls = await runCli(['ls', '--db', home.db], { env: home.env });
    expect(ls.stdout).toContain(`↻#${newOriginal}`);

    // Only the replay: the id of its original means nothing in the store it goes into, so it comes in unlinked.
    const har = JSON.parse(readFileSync(file, 'utf8'));
    har.log.entries = har.log.entries.filter((e: { _hooktunnel: { replayOf: number | null } }) => e._hooktunnel.replayOf !== null);
    const alone = join(home.dir, 'replay-only.har');
    writeFileSync(alone, JSON.stringify(har));
    const [lone] = JSON.parse((await runCli(['import', alone, '--json', '--db', home.db], { env: home.env })).stdout).imported as number[];
    expect(await show(lone)).toMatchObject({ replayOf: null, webhook: { duplicateOf: original } });
  });

  it('exports a mock-route and an unrouted exchange with the public URL the sender used, and imports them back as they were', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const relayUrl = await loopbackRelay(cleanups);
    const config = join(home.dir, 'hooktunnel.yml');
    writeFileSync(config, 'routes:\n  /health:\n    mock:\n      status: 203\n      body: mocked\n');
    const listen = await startListen(['--config', config, '--relay', relayUrl, '--db', home.db], home.env);
    cleanups.push(() => listen.stop());

    expect((await send(`${listen.url}/health/three?x=1`, { body: 'ping' })).status).toBe(203);
    expect((await send(`${listen.url}/nowhere`, { body: 'x' })).status).toBe(404);
    await listen.waitForRequest((e) => e.path === '/nowhere' && e.status === 404, 'the unrouted exchange');
    const ids = listen.events.filter((e) => e.type === 'request').map((e) => e.id as number);
    expect(ids).toHaveLength(2);

    // curl resends to where the sender sent, not to "mock/three".
    const curl = await runCli(['show', String(ids[0]), '--curl', '--db', home.db], { env: home.env });
    expect(curl.stdout).toContain(`curl -X POST '${listen.url}/health/three?x=1'`);
    const file = join(home.dir, 'out.har');
    expect((await runCli(['export', '--har', file, '--db', home.db], { env: home.env })).code).toBe(0);
    const urls = (JSON.parse(readFileSync(file, 'utf8')).log.entries as { request: { url: string } }[]).map((e) => e.request.url);
    expect(urls).toEqual([`${listen.url}/health/three?x=1`, `${listen.url}/nowhere`]);

    const imported = await runCli(['import', file, '--json', '--db', home.db], { env: home.env });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const newIds = JSON.parse(imported.stdout).imported as number[];
    expect(newIds).toHaveLength(2);
    for (const [i, id] of ids.entries()) {
      const diff = await runCli(['diff', String(id), String(newIds[i]), '--exit-code', '--db', home.db], { env: home.env });
      expect(diff.stdout).toContain('no differences');
      const after = JSON.parse((await runCli(['show', String(newIds[i]), '--json', '--db', home.db], { env: home.env })).stdout);
      const before = JSON.parse((await runCli(['show', String(id), '--json', '--db', home.db], { env: home.env })).stdout);
      expect({ target: after.target, path: after.path, route: after.route, url: after.url }).toEqual({ target: before.target, path: before.path, route: before.route, url: before.url });
    }
    // Still answered by hooktunnel, so replay says so rather than sending to a URL that is not an app.
    const replay = await runCli(['replay', String(newIds[0]), '--db', home.db], { env: home.env });
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain('was answered by the mock route /health');
  });

  it('imports an exchange the app never answered as failed, with hooktunnel\'s error, not as an answer of the app', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const relayUrl = await loopbackRelay(cleanups);
    // Nothing listens on the target: hooktunnel answers the sender 502 itself (local_unreachable).
    const listen = await startListen([String(await freePort()), '--relay', relayUrl, '--db', home.db, '--timeout', '2s'], home.env);
    cleanups.push(() => listen.stop());
    expect((await send(`${listen.url}/down`, { body: 'anyone there?' })).status).toBe(502);
    const event = await listen.waitForRequest((e) => e.path === '/down', 'the failed exchange');

    const file = join(home.dir, 'out.har');
    expect((await runCli(['export', '--har', file, '--db', home.db], { env: home.env })).code).toBe(0);
    const imported = await runCli(['import', file, '--json', '--db', home.db], { env: home.env });
    expect(imported.code).toBe(0);
    const [newId] = JSON.parse(imported.stdout).imported as number[];
    const [before, after] = await Promise.all([event.id as number, newId].map(async (n) => JSON.parse((await runCli(['show', String(n), '--json', '--db', home.db], { env: home.env })).stdout)));
    expect(before).toMatchObject({ state: 'failed', status: 502, error: { code: 'local_unreachable' }, response: { size: null } });
    const strip = (j: Record<string, unknown>) => ({ ...j, id: 0, deliveryId: null, durationMs: 0, attemptHistory: [], attempts: 0 });
    expect(strip(after)).toEqual(strip(before));
  });

  it('imports a devtools archive from stdin and refuses a file that is not one, importing nothing', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const app = await startLocalApp();
    cleanups.push(() => app.close());
    const har = {
      log: {
        version: '1.2', creator: { name: 'WebInspector', version: '1' },
        entries: [{
          startedDateTime: new Date().toISOString(), time: 3,
          request: { method: 'PUT', url: `${app.url}/x?q=1`, headers: [{ name: ':method', value: 'PUT' }, { name: 'X-A', value: '1' }], postData: { mimeType: 'text/plain', text: 'hi' } },
          response: { status: 204, headers: [], content: { size: 0, mimeType: '' } },
        }],
      },
    };
    const ok = await runCli(['import', '-', '--db', home.db], { env: home.env, input: JSON.stringify(har) });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^imported 1 exchange \(#1\) from - into /);
    const ls = JSON.parse((await runCli(['ls', '--json', '--db', home.db], { env: home.env })).stdout);
    expect(ls).toMatchObject([{ id: 1, method: 'PUT', path: '/x?q=1', status: 204, target: app.url.replace('localhost', '127.0.0.1') }]);
    expect((await runCli(['replay', '1', '--db', home.db], { env: home.env })).code).toBe(0);
    expect(app.received[0]).toMatchObject({ method: 'PUT', url: '/x?q=1' });
    expect(app.received[0].body.toString()).toBe('hi');

    const bad = join(home.dir, 'bad.har');
    writeFileSync(bad, JSON.stringify({ log: { entries: [har.log.entries[0], { request: { method: 'GET', url: 'nope' } }] } }));
    const refused = await runCli(['import', bad, '--db', home.db], { env: home.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('entry 1: request.url "nope" is not an absolute URL');
    expect(refused.stderr).toContain('nothing was imported');
    // The import and its replay; nothing from the refused file.
    expect(JSON.parse((await runCli(['ls', '--json', '--db', home.db], { env: home.env })).stdout)).toHaveLength(2);
  });
});
