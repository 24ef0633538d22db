// `hooktunnel wait` as scripts use it: a real relay, a real `listen` process writing the store, `wait` as its own process.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli, startListen, tempHome, type CliResult, type ListenProcess, loopbackRelay } from '../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { MATCH_KEYS } from '../../src/match/match-expr.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  listen: ListenProcess;
  db: string;
  env: Record<string, string>;
}

async function setup(): Promise<Setup> {
  const home = tempHome();
  cleanups.push(home.cleanup);
  const relayUrl = await loopbackRelay(cleanups);
  const app = await startLocalApp((req, res) => {
    res.writeHead(req.url === '/broken' ? 500 : 200, { 'Content-Type': 'text/plain' });
    res.end('ok');
  });
  cleanups.push(() => app.close());
  const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db], home.env);
  cleanups.push(() => listen.stop());
  return { listen, db: home.db, env: home.env };
}

/** Starts `hooktunnel wait …` in the background; `ready` resolves once it watches the store (its cursor is set by then). */
function startWait(argv: string[], env: Record<string, string>): { result: Promise<CliResult>; ready: Promise<unknown> } {
  const child = spawn(process.execPath, [BIN, 'wait', ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => void child.kill('SIGKILL'));
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  let exited = false;
  const result = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      exited = true;
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString(), stderr: Buffer.concat(err).toString(), stdoutBytes });
    }),
  );
  // The file watch is set up after `--since now` is resolved: an inotify descriptor in the process means it is waiting.
  const ready = waitFor(() => {
    if (exited) throw new Error(`wait exited early: ${Buffer.concat(err).toString()}`);
    return readdirSync(`/proc/${child.pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${child.pid}/fd/${fd}`).includes('inotify');
      } catch {
        return false;
      }
    });
  }, 'wait to watch the store');
  return { result, ready };
}

const push = (ref: string) => ({
  headers: ['Content-Type', 'application/json', 'X-GitHub-Event', 'push'],
  body: JSON.stringify({ ref, commits: [{ id: 'c1' }] }),
});

describe.skipIf(process.platform !== 'linux')('hooktunnel wait', () => {
  it('started before the webhook: ignores what does not match, prints the first match in the show format', async () => {
    const { listen, db, env } = await setup();
    await send(`${listen.url}/github/old`, push('refs/heads/main'));
    await listen.waitForRequest((e) => e.path === '/github/old', 'the earlier webhook');

    const waiting = startWait(['--db', db, '--match', 'path=/github/*', '--match', 'body.ref=refs/heads/main', '--match', 'status=2xx', '--timeout', '20s'], env);
    await waiting.ready;
    await send(`${listen.url}/github/hook`, push('refs/heads/dev'));
    await send(`${listen.url}/other/hook`, push('refs/heads/main'));
    await send(`${listen.url}/github/hook?x=1`, push('refs/heads/main'));
    const match = await listen.waitForRequest((e) => e.path === '/github/hook?x=1', 'the matching webhook');

    const result = await waiting.result;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`#${match.id}`);
    expect(result.stdout).toContain('/github/hook?x=1');
    expect(result.stdout).toContain('refs/heads/main');
  });

  it('--json prints one JSON object, the show --json shape', async () => {
    const { listen, db, env } = await setup();
    const waiting = startWait(['--db', db, '--match', 'header.x-github-event=push', '--match', 'method=post', '--json'], env);
    await waiting.ready;
    await send(`${listen.url}/gh`, push('refs/heads/main'));
    const result = await waiting.result;
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    const show = await runCli(['show', String(json.id), '--json', '--db', db], { env });
    expect(json).toEqual(JSON.parse(show.stdout));
    expect(json.request.body).toEqual({ encoding: 'utf8', data: push('refs/heads/main').body });
  });

  it('provider=svix waits for what is recorded as the standard provider (a Clerk delivery), as ls --provider svix lists it', async () => {
    const { listen, db, env } = await setup();
    const waiting = startWait(['--db', db, '--match', 'provider=svix', '--match', 'type=user.*', '--timeout', '20s', '--json'], env);
    await waiting.ready;
    const headers = ['Content-Type', 'application/json', 'svix-id', 'msg_1', 'svix-timestamp', String(Math.floor(Date.now() / 1000)), 'svix-signature', 'v1,x'];
    await send(`${listen.url}/clerk`, { headers, body: '{"type":"user.created","data":{"id":"user_1"}}' });
    const result = await waiting.result;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: '/clerk', webhook: { provider: 'standard', eventType: 'user.created' } });
  });

  it('--timeout past setTimeout\'s limit (30d) waits, instead of giving up at once with exit 124', async () => {
    const { listen, db, env } = await setup();
    const waiting = startWait(['--db', db, '--match', 'path=/late', '--timeout', '30d', '--json'], env);
    await waiting.ready;
    await send(`${listen.url}/late`, { body: 'x' });
    const result = await waiting.result;
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: '/late' });
  });

  it('started after the webhook: --since <id> finds it at once, --since now does not', async () => {
    const { listen, db, env } = await setup();
    await send(`${listen.url}/first`, { body: 'a' });
    const first = await listen.waitForRequest((e) => e.path === '/first', 'the first exchange');
    await send(`${listen.url}/broken`, { body: 'b' });
    const broken = await listen.waitForRequest((e) => e.path === '/broken', 'the failing exchange');

    const since = await runCli(['wait', '--db', db, '--since', String(first.id), '--match', 'status=5xx', '--json'], { env });
    expect(since.code).toBe(0);
    expect(JSON.parse(since.stdout)).toMatchObject({ id: broken.id, status: 500, path: '/broken' });
    const byDuration = await runCli(['wait', '--db', db, '--since', '10m', '--match', 'path=/first', '--json'], { env });
    expect(JSON.parse(byDuration.stdout)).toMatchObject({ id: first.id });

    const now = await runCli(['wait', '--db', db, '--match', 'status=5xx', '--timeout', '300ms'], { env });
    expect(now.code).toBe(124);
    expect(now.stdout).toBe('');
    // The one line, and a hint naming the match recorded before wait started (a script that sent, then waited).
    expect(now.stderr.trim().split('\n')).toEqual([
      'error: no exchange matching status=5xx within 300ms',
      expect.stringMatching(new RegExp(`^hint: #${broken.id} matches, but was recorded before wait started .*; or pass --since ${Number(broken.id) - 1}$`)),
    ]);
    const other = await runCli(['wait', '--db', db, '--match', 'status=404', '--timeout', '300ms', '--json'], { env });
    expect([other.code, JSON.parse(other.stderr)]).toEqual([124, { error: { code: 'timeout', message: 'no exchange matching status=404 within 300ms', hint: null } }]);
  });

  it('started before the listen that creates the database (--timeout 0: for ever): waits for the file, then for the match', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const relayUrl = await loopbackRelay(cleanups);
    const app = await startLocalApp();
    cleanups.push(() => app.close());

    const child = spawn(process.execPath, [BIN, 'wait', '--db', home.db, '--match', 'path=/first', '--json', '--timeout', '0'], {
      env: { ...process.env, ...home.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => void child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(() => stderr.includes(`waiting for ${home.db} to be created by \`hooktunnel listen\``), 'wait to look for the database');

    const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db], home.env);
    cleanups.push(() => listen.stop());
    await send(`${listen.url}/first`, { body: 'a' });
    expect(await exit).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ path: '/first', status: 200 });
  });

  it('a database that never appears: exit 124 within --timeout, and nothing created', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const db = join(home.dir, 'typo', 'capture.db');
    const result = await runCli(['wait', '--db', db, '--timeout', '300ms'], { env: home.env });
    expect(result.code).toBe(124);
    expect(result.stderr).toContain(`waiting for ${db} to be created`);
    expect(result.stderr).toContain(`error: no database at ${db} within 300ms`);
    expect(existsSync(join(home.dir, 'typo'))).toBe(false);
  });

  it('times out while a listen keeps recording exchanges that do not match', async () => {
    const { listen, db, env } = await setup();
    const waiting = startWait(['--db', db, '--match', 'provider=stripe', '--timeout', '1500ms'], env);
    await waiting.ready;
    for (let i = 0; i < 5; i++) await send(`${listen.url}/n${i}`, { body: String(i) });
    const result = await waiting.result;
    expect(result.code).toBe(124);
    expect(result.stderr).toMatch(/^error: no exchange matching provider=stripe within 1\.5s\n$/);
  });

  it('keeps its --timeout against a hostile body: a glob with three stars stays linear over 400 KiB of "a"', async () => {
    const { listen, db, env } = await setup();
    await send(`${listen.url}/hostile`, { body: 'a'.repeat(400 * 1024) });
    await listen.waitForRequest((e) => e.path === '/hostile', 'the hostile body to be recorded');
    // With a backtracking regex every "a" is tried against every later position: minutes here (days at 25 MiB), past
    // any --timeout, since the regex holds the thread the timer needs.
    const result = await runCli(['wait', '--db', db, '--since', '0', '--match', 'body=*a*b*', '--timeout', '1500ms'], { env });
    expect(result.code).toBe(124);
    expect(result.stderr).toMatch(/^error: no exchange matching body=\*a\*b\* within 1\.5s\n$/);
  });

  it('does not crash on a value nested deeper than JSON.stringify can follow: no match, then --timeout', async () => {
    const { listen, db, env } = await setup();
    await send(`${listen.url}/deep`, { headers: ['Content-Type', 'application/json'], body: `{"data":${'['.repeat(20_000)}1${']'.repeat(20_000)}}` });
    await listen.waitForRequest((e) => e.path === '/deep', 'the deep body to be recorded');
    const result = await runCli(['wait', '--db', db, '--since', '0', '--match', 'body.data=*x*', '--timeout', '1s'], { env });
    expect(result.stderr).toMatch(/^error: no exchange matching body\.data=\*x\* within 1\.0s\n$/);
    expect(result.code).toBe(124);
  });

  it.each([
    [['--match', 'colour=red'], 'unknown key "colour"'],
    [['--match', 'status=2x'], 'status is a code'],
    // Clerk sends Standard Webhooks (provider=svix): waiting for "clerk" would only run out the timeout.
    [['--match', 'provider=clerk'], '"clerk" is not a provider hooktunnel recognises'],
    [['--since', 'yesterday'], '--since "yesterday" is not now'],
    [['--timeout', 'soon'], '--timeout "soon" is not a duration'],
  ])('refuses %j with exit code 2 and no stack', async (argv, message) => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const result = await runCli(['wait', '--db', home.db, ...argv], { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('    at ');
  });

  it.each([
    [
      ['--event', 'push', '--json'],
      '{"error":{"code":"usage","message":"wait has no --event option: it matches with --match key=value","hint":"in place of --event: --match event=push"}}\n',
    ],
    [
      ['--provider', 'github', '--event', 'pull_*'],
      "error: wait has no --event, --provider options: it matches with --match key=value\nhint: in place of --event, --provider: --match 'event=pull_*' --match provider=github\n",
    ],
  ])('%j (as ls takes them): exit 2, naming the --match that does it', async (argv, stderr) => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    // A database that does not exist: refused before wait would wait for it.
    const result = await runCli(['wait', '--db', home.db, ...argv], { env: home.env });
    expect(result).toMatchObject({ code: 2, stdout: '', stderr });
  });

  it('--help shows an example of every match key', async () => {
    const help = await runCli(['wait', '--help']);
    expect(help.code).toBe(0);
    const examples = help.stdout.split('Match expressions')[1];
    for (const key of MATCH_KEYS) {
      const example = key.replace('<name>', 'X-GitHub-Event').replace('<json.path>', 'data.object.amount');
      expect(examples).toMatch(new RegExp(`[\\s(]${example.replace(/\./g, '\\.')}=`));
    }
  });
});
