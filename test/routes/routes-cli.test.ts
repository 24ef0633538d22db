// hooktunnel.yml end to end: one listen, one public URL, two local apps, an ack route and a mock route; the route
// shows in ls, show, --json events and wait; replay goes back through the route; flags override the file.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, wordsOfJsonError } from '../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, requestEvents, startRelay } from '../nothing-lost/helpers.js';

const header = (rawHeaders: string[], name: string) => rawHeaders[rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === name) + 1];

describe('routes from hooktunnel.yml', () => {
  it('sends each path prefix to its own app, answers mock routes, acknowledges ack routes, and records the route', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const appA = await startLocalApp();
    onCleanup(() => appA.close());
    const appB = await startLocalApp((_req, res) => {
      res.writeHead(201, { 'Content-Type': 'text/plain' });
      res.end('from b');
    });
    onCleanup(() => appB.close());
    const config = join(h.dir, 'hooktunnel.yml');
    writeFileSync(
      config,
      `timeout: 10s
name: from-the-file
routes:
  /a:
    forward: ${appA.url}/base
  /a/b:
    forward: ${appB.url}
    host-header: preserve
  /queued:
    ack: ${appB.url}
  /health:
    mock:
      status: 203
      headers:
        Content-Type: text/plain
        X-Mock: one
      body: mocked
`,
    );
    const cli = await listen(['--config', config, '--relay', relay.url, '--db', h.db, '--retry-base', '50ms'], h.env);
    expect(cli.url).toMatch(/\/t\/from-the-file$/);
    const ready = cli.events.find((e) => e.type === 'ready')!;
    // Each route has its own target: none is "the" target, so the event says null rather than the first route's.
    expect(ready).toHaveProperty('target', null);
    expect((ready.routes as { prefix: string; mode: string }[]).map((r) => `${r.prefix} ${r.mode}`)).toEqual(['/queued ack', '/health mock', '/a/b forward', '/a forward']);

    const toA = await send(`${cli.url}/a/x?y=1`, { headers: ['Content-Type', 'application/json'], body: '{"n": 1}' });
    expect(toA.status).toBe(200);
    expect(appA.received[0]).toMatchObject({ method: 'POST', url: '/base/x?y=1' });
    expect(appA.received[0].body.toString()).toBe('{"n": 1}');

    const toB = await send(`${cli.url}/a/b/deep?q`, { body: 'bee' });
    expect(toB.status).toBe(201);
    expect(appB.received[0].url).toBe('/deep?q');
    expect(header(appB.received[0].rawHeaders, 'host')).toBe(new URL(relay.url).host);

    const mock = await send(`${cli.url}/health/check`, { body: 'ping' });
    expect(mock.status).toBe(203);
    expect(mock.body.toString()).toBe('mocked');
    expect(mock.headers['x-mock']).toBe('one');

    const none = await send(`${cli.url}/nowhere`, { body: 'x' });
    expect(none.status).toBe(404);
    expect(none.body.toString()).toContain('no route in hooktunnel.yml takes /nowhere');

    const acked = await send(`${cli.url}/queued/evt`, { body: 'later' });
    expect(acked.status).toBe(200);
    expect(acked.body.toString()).toBe('{"received":true}');
    await waitFor(() => appB.received.find((r) => r.url === '/evt'), 'the acknowledged request at app B');
    await waitFor(() => requestEvents(cli.events).length >= 5, 'five exchanges');

    const events = requestEvents(cli.events);
    const byPath = (path: string) => events.find((e) => e.path === path)!;
    expect(byPath('/a/x?y=1')).toMatchObject({ route: '/a', target: `${appA.url}/base`, status: 200 });
    expect(byPath('/a/b/deep?q')).toMatchObject({ route: '/a/b', target: appB.url, status: 201 });
    expect(byPath('/health/check')).toMatchObject({ route: '/health', target: 'mock', status: 203 });
    expect(byPath('/nowhere')).toMatchObject({ route: null, target: 'no-route', status: 404 });
    await waitFor(() => requestEvents(cli.events).find((e) => e.path === '/queued/evt' && e.status === 201), 'the ack route exchange');

    const ls = JSON.parse((await runCli(['ls', '--json', '--db', h.db], { env: h.env })).stdout) as Record<string, unknown>[];
    expect(ls.map((e) => [e.path, e.route])).toEqual([
      ['/queued/evt', '/queued'], ['/nowhere', null], ['/health/check', '/health'], ['/a/b/deep?q', '/a/b'], ['/a/x?y=1', '/a'],
    ]);
    const table = (await runCli(['ls', '--db', h.db], { env: h.env })).stdout;
    expect(table.split('\n')[0]).toContain('ROUTE');
    expect(table).toMatch(/\/health\s+\/health\/check/);
    const mockId = byPath('/health/check').id as number;
    const show = await runCli(['show', String(mockId), '--db', h.db], { env: h.env });
    expect(show.stdout).toContain('→ mock  (route /health)');
    expect(show.stdout).toContain('ping');
    const waited = await runCli(['wait', '--since', '0', '--match', 'route=/a/b', '--json', '--db', h.db], { env: h.env });
    expect(JSON.parse(waited.stdout)).toMatchObject({ path: '/a/b/deep?q', route: '/a/b' });

    // Replay goes back through the route: the rest of the path, to the route's target.
    const replay = await runCli(['replay', String(byPath('/a/x?y=1').id), '--json', '--db', h.db], { env: h.env });
    expect(replay.code).toBe(0);
    expect(appA.received.at(-1)!.url).toBe('/base/x?y=1');
    expect(JSON.parse(replay.stdout)).toMatchObject({ path: '/a/x?y=1', route: '/a' });
    const replayMock = await runCli(['replay', String(mockId), '--db', h.db], { env: h.env });
    expect(replayMock.code).toBe(2);
    expect(replayMock.stderr).toContain('was answered by the mock route /health');
    expect((await runCli(['replay', String(mockId), '--to', appA.url, '--db', h.db], { env: h.env })).code).toBe(0);
    expect(appA.received.at(-1)!.url).toBe('/check');
    const curl = await runCli(['show', String(byPath('/a/b/deep?q').id), '--curl', '--db', h.db], { env: h.env });
    expect(curl.stdout).toContain(`${appB.url}/deep?q`);
    // listen's web inspector has no single target with routes: its curl goes to the exchange's own route too.
    const inspector = new URL(ready.inspector as string);
    const webCurl = await fetch(`${inspector.origin}/api/exchanges/${byPath('/a/b/deep?q').id}/curl`);
    expect(webCurl.status).toBe(200);
    expect(await webCurl.text()).toContain(`'${appB.url}/deep?q'`);

    // retry goes back through the route too, and an exchange the app took needs --force.
    const toBId = String(byPath('/a/b/deep?q').id);
    const refused = await runCli(['retry', toBId, '--db', h.db], { env: h.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`exchange #${toBId} (201) already succeeded; nothing sent`);
    const fromB = appB.received.length;
    const forced = await runCli(['retry', toBId, '--force', '--json', '--db', h.db], { env: h.env });
    expect(forced.code).toBe(0);
    expect(appB.received).toHaveLength(fromB + 1);
    expect(appB.received.at(-1)!.url).toBe('/deep?q');
    expect(JSON.parse(forced.stdout)).toMatchObject({ id: Number(toBId), route: '/a/b', status: 201 });
    // A route whose app is gone: one line that names the route's target.
    await appA.close();
    const unreachable = await runCli(['replay', String(byPath('/a/x?y=1').id), '--db', h.db], { env: h.env });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: replay of #\d+ failed: cannot reach http:\/\/127\.0\.0\.1:\d+\/base: connection refused \(is your app running\?\)\n$/);
  });

  it('flags and the environment override the file; a target on the command line replaces the routes', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const config = join(h.dir, 'project.yml');
    writeFileSync(config, `name: from-file\nroutes:\n  /x:\n    forward: http://127.0.0.1:1\n`);
    const cli = await listen([String(app.port), '--name', 'from-flag', '--relay', relay.url, '--db', h.db], { ...h.env, HOOKTUNNEL_CONFIG: config });
    expect(cli.url).toMatch(/\/t\/from-flag$/);
    expect(cli.stderr()).toContain('routes of');
    expect((await send(`${cli.url}/x/y`, { body: 'z' })).status).toBe(200);
    expect(app.received[0].url).toBe('/x/y');
  });
});

describe('hooktunnel config check', () => {
  it('prints the resolved routes, as text and JSON, and names file, line and key on errors', async () => {
    const h = home();
    const config = join(h.dir, 'hooktunnel.yml');
    writeFileSync(config, `timeout: 5s\ntoken: \${MY_TOKEN}\nroutes:\n  /a: 3000\n  /a/b:\n    forward: http://127.0.0.1:4000/in\n    timeout: 0\n  /m:\n    mock: { body: hi }\n`);
    const env = { ...h.env, HOOKTUNNEL_CONFIG: config, MY_TOKEN: 'secret-token-value' };
    const text = await runCli(['config', 'check'], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain('secret-token-value');
    expect(text.stdout.split('\n').slice(-4, -1)).toEqual([
      '  /a/b  forward → http://127.0.0.1:4000/in  timeout none, host rewrite',
      '  /a    forward → http://localhost:3000  timeout 5.0s, host rewrite',
      '  /m    mock    → mock 200',
    ]);
    const json = JSON.parse((await runCli(['config', 'check', '--json'], { env })).stdout);
    expect(json.settings).toEqual({ timeout: '5s', token: '(set from the environment)' });
    expect(json.routes.map((r: { prefix: string; timeoutMs?: number }) => [r.prefix, r.timeoutMs])).toEqual([['/a/b', 0], ['/a', 5000], ['/m', undefined]]);

    writeFileSync(config, `routes:\n  /a: 3000\n  /b:\n    forwrd: 4000\n`);
    const bad = await runCli(['config', 'check', '--config', config], { env: h.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('hooktunnel.yml:4:5: routes./b.forwrd: unknown key');
    expect(bad.stderr).toContain('hint: known keys here: forward, ack, mock, timeout, host-header');
    const badJson = await runCli(['config', 'check', '--config', config, '--json'], { env: h.env });
    expect([badJson.code, badJson.stderr]).toEqual([2, '']);
    expect(JSON.parse(badJson.stdout)).toEqual({
      file: config,
      valid: false,
      error: { message: expect.stringContaining('hooktunnel.yml:4:5: routes./b.forwrd: unknown key'), hint: 'known keys here: forward, ack, mock, timeout, host-header' },
    });
    // A file listen refuses (redaction with acknowledge mode) is not "ok" either.
    writeFileSync(config, `redact: [header:authorization]\nroutes:\n  /a: 3000\n  /s:\n    ack: 5000\n`);
    const redactAck = await runCli(['config', 'check', '--config', config], { env: h.env });
    expect([redactAck.code, redactAck.stdout]).toEqual([2, '']);
    expect(redactAck.stderr).toContain(`${config}: redact cannot be used with acknowledge mode (the ack route /s)`);
    const redactAckJson = JSON.parse((await runCli(['config', 'check', '--config', config, '--json'], { env: h.env })).stdout);
    expect(redactAckJson.valid).toBe(false);
    const listenRedactAck = await runCli(['listen', '--config', config, '--db', h.db], { env: h.env });
    expect(listenRedactAck.code).toBe(2);
    expect(listenRedactAck.stderr).toContain('--redact cannot be used with acknowledge mode');

    writeFileSync(config, `routes:\n  /a: 3000\n  /b:\n    forwrd: 4000\n`);
    const listenBad = await runCli(['listen', '--config', config, '--db', h.db], { env: h.env });
    expect(listenBad.code).toBe(2);
    expect(listenBad.stderr).toContain('routes./b.forwrd: unknown key');
    const missing = await runCli(['listen', '--db', h.db], { env: h.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('listen needs a target (a port or URL), or a hooktunnel.yml with routes');
  });
});

describe('hooktunnel.yml secrets outside listen', () => {
  it('are used by verify and replay --resign too, found through HOOKTUNNEL_CONFIG (or ./hooktunnel.yml)', async () => {
    const h = home();
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const sent = await runCli(['trigger', 'stripe', 'payment_intent.succeeded', '--to', String(app.port), '--secret', 'stripe=whsec_project', '--json', '--db', h.db], { env: h.env });
    expect(sent.code).toBe(0);
    const id = String(JSON.parse(sent.stdout).id);
    const config = join(h.dir, 'hooktunnel.yml');
    // Only `secrets` is read by these commands: a token variable unset in this shell (listen's business) stops nothing.
    writeFileSync(config, 'token: ${HOOKTUNNEL_TEST_UNSET_TOKEN}\nsecrets:\n  stripe: whsec_project\nroutes:\n  /: 3000\n');

    const without = await runCli(['verify', id, '--db', h.db], { env: h.env });
    expect(without.code).toBe(1);
    const verified = await runCli(['verify', id, '--json', '--db', h.db], { env: { ...h.env, HOOKTUNNEL_CONFIG: config } });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ provider: 'stripe', verification: 'valid' });
    expect(JSON.parse(verified.stdout)).not.toHaveProperty('checkedNow');
    const unsigned = await runCli(['replay', id, '--resign', '--db', h.db], { env: h.env });
    expect(unsigned.stderr).toContain('was sent without a new signature: no secret configured for stripe (set --secret stripe=… or HOOKTUNNEL_SECRET_STRIPE)');
    const resigned = await runCli(['replay', id, '--resign', '--db', h.db], { env: { ...h.env, HOOKTUNNEL_CONFIG: config } });
    expect([resigned.code, resigned.stderr]).toEqual([0, '']);

    // A secret whose variable is unset in this shell is left out with a note, and stops no replay (listen still refuses).
    writeFileSync(config, 'secrets:\n  github: ${HOOKTUNNEL_TEST_UNSET_SECRET}\n  stripe: whsec_project\n');
    const unsetNote = 'note: hooktunnel.yml:2:11: secrets.github: the environment variable HOOKTUNNEL_TEST_UNSET_SECRET is not set; that secret is left out\n';
    const replayed = await runCli(['replay', id, '--resign', '--db', h.db], { env: { ...h.env, HOOKTUNNEL_CONFIG: config } });
    expect([replayed.code, replayed.stderr.replace(/note: \S*hooktunnel\.yml/, 'note: hooktunnel.yml')]).toEqual([0, unsetNote]);
    const stillValid = await runCli(['verify', id, '--db', h.db], { env: { ...h.env, HOOKTUNNEL_CONFIG: config } });
    expect(stillValid.code).toBe(0);
    writeFileSync(config, 'secrets:\n  github: ${HOOKTUNNEL_TEST_UNSET_SECRET}\nroutes:\n  /: 3000\n');
    const listenRefuses = await runCli(['listen', '--db', h.db], { env: { ...h.env, HOOKTUNNEL_CONFIG: config } });
    expect(listenRefuses.code).toBe(2);
    expect(listenRefuses.stderr).toContain('secrets.github: the environment variable HOOKTUNNEL_TEST_UNSET_SECRET is not set');
  });
});

describe('the db of hooktunnel.yml outside listen', () => {
  it('is what ls, show, wait, trigger and prune use without --db, so they see what the listen of that folder records', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const project = join(h.dir, 'project');
    mkdirSync(project);
    // A token variable unset in this shell is listen's business: it stops no reader.
    writeFileSync(join(project, 'hooktunnel.yml'), `db: .hooktunnel/capture.db\ntoken: \${HOOKTUNNEL_TEST_UNSET_TOKEN}\nroutes:\n  /a: ${app.url}\n`);
    const db = join(project, '.hooktunnel', 'capture.db');

    // Nothing recorded yet: the project's database is named, and no file is made.
    const before = await runCli(['show', '1'], { env: h.env, cwd: project });
    expect(before.code).toBe(1);
    expect(before.stderr).toContain(`there is no capture database at ${db} (the db of ${join(project, 'hooktunnel.yml')})`);
    expect(existsSync(db)).toBe(false);

    const cli = await listen(['--relay', relay.url], { ...h.env, HOOKTUNNEL_TEST_UNSET_TOKEN: 'x', HOOKTUNNEL_CONFIG: join(project, 'hooktunnel.yml') });
    expect((await send(`${cli.url}/a/x`, { body: 'hello' })).status).toBe(200);
    const recorded = await cli.waitForRequest((e) => e.path === '/a/x', 'the routed request');
    expect(recorded.id).toBe(1);

    const ls = await runCli(['ls', '--json'], { env: h.env, cwd: project });
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.stdout).map((e: { id: number; route: string }) => [e.id, e.route])).toEqual([[1, '/a']]);
    // Found through HOOKTUNNEL_CONFIG from elsewhere too, as listen finds it.
    const shown = await runCli(['show', '1', '--raw'], { env: { ...h.env, HOOKTUNNEL_CONFIG: join(project, 'hooktunnel.yml') } });
    expect([shown.code, shown.stdout]).toEqual([0, 'hello']);
    const waited = await runCli(['wait', '--since', '0', '--match', 'route=/a', '--json'], { env: h.env, cwd: project });
    expect([waited.code, JSON.parse(waited.stdout).id]).toEqual([0, 1]);
    const triggered = await runCli(['trigger', 'github', 'push', '--to', String(app.port), '--json'], { env: h.env, cwd: project });
    expect([triggered.code, JSON.parse(triggered.stdout).id]).toEqual([0, 2]);
    const pruned = await runCli(['prune', '--keep', '1', '--json'], { env: h.env, cwd: project });
    expect(JSON.parse(pruned.stdout)).toEqual({ deleted: 1, remaining: 1, db, vacuumed: false });
    // --db (and HOOKTUNNEL_DB) still win over the file, and nothing was written to the default database.
    const flag = await runCli(['ls', '--json', '--db', db], { env: h.env });
    expect(JSON.parse(flag.stdout).map((e: { id: number }) => e.id)).toEqual([2]);
    expect(existsSync(join(h.env.XDG_DATA_HOME, 'hooktunnel', 'hooktunnel.db'))).toBe(false);
    // A HOOKTUNNEL_CONFIG naming no file is refused, as listen refuses it: a script would otherwise sign with other
    // secrets, or read another database, without knowing (test/cli/missing-config.test.ts has every command kind).
    const mistyped = await runCli(['replay', '2', '--to', String(app.port), '--json', '--db', db], { env: { ...h.env, HOOKTUNNEL_CONFIG: join(project, 'hooktunel.yml') }, cwd: project });
    expect([mistyped.code, mistyped.stdout]).toEqual([2, '']);
    expect(wordsOfJsonError(mistyped.stderr, 'usage')).toContain(`error: HOOKTUNNEL_CONFIG names ${join(project, 'hooktunel.yml')}, which does not exist\n`);
    // A wrong --db here: the hint names the project's database as the one used without it, not the default.
    const wrong = await runCli(['ls', '--db', join(project, 'nope.db')], { env: h.env, cwd: project });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`without --db recordings go to ${db} (the db of ${join(project, 'hooktunnel.yml')})`);
  });
});
