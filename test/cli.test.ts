// The CLI as users run it: the embedded relay, a relay process, localhost on either stack, errors and help.

import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRelay } from '../relay-server/relay.js';
import { CONNECT_PATH, decode, encode, MessageType } from '../src/protocol.js';
import { BIN, runCli, startListen, tempHome, type ListenProcess, loopbackRelay } from './helpers/cli.js';
import { freePort, send, startLocalApp, waitFor } from './helpers/http.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listenFor(args: string[], env: Record<string, string>): Promise<ListenProcess> {
  const listen = await startListen(args, env);
  cleanups.push(() => listen.stop());
  return listen;
}

const ready = (listen: ListenProcess) => listen.events.find((e) => e.type === 'ready')!;


describe('listen with the embedded relay', () => {
  it('starts a loopback relay on the configured port, and a second listen shares it', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const app = await startLocalApp();
    cleanups.push(() => app.close());
    const port = await freePort();
    const env = { ...home.env, HOOKTUNNEL_EMBEDDED_PORT: String(port) };

    const first = await listenFor([String(app.port), '--db', home.db], env);
    expect(first.url).toBe(`http://127.0.0.1:${port}/t/${app.port}`);
    expect(ready(first)).toMatchObject({ type: 'ready', localOnly: true });
    const reply = await send(`${first.url}/hook`, { body: 'hello' });
    expect(reply.status).toBe(200);

    // A relative --db is said as the absolute path it is, like hooktunnel.yml's `db`.
    const second = await startListen([String(app.port), '--db', 'capture.db'], env, { cwd: home.dir });
    cleanups.push(() => second.stop());
    expect(ready(second).dbPath).toBe(home.db);
    expect(second.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/t/[a-z2-7]{13}$`));
    expect(String(ready(second).note)).toContain('sharing the embedded relay');
    expect((await send(`${second.url}/shared`, { body: 'x' })).status).toBe(200);
  });

  it('picks another port and says so when a different program holds the default one', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const squatter = await startLocalApp();
    cleanups.push(() => squatter.close());
    const listen = await listenFor(['3000', '--db', home.db], { ...home.env, HOOKTUNNEL_EMBEDDED_PORT: String(squatter.port) });
    expect(listen.url).not.toContain(`:${squatter.port}/`);
    expect(String(ready(listen).note)).toContain(`port ${squatter.port} is taken by another program`);
  });

  it('does not share a `hooktunnel relay` that runs on that port: it is somebody\'s own, not one to take over', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const standalone = createRelay({ port: 0, host: '127.0.0.1' });
    await standalone.start();
    cleanups.push(() => standalone.close());
    const listen = await listenFor(['3000', '--db', home.db], { ...home.env, HOOKTUNNEL_EMBEDDED_PORT: String(standalone.port) });
    expect(listen.url).not.toContain(`:${standalone.port}/`);
    expect(ready(listen)).toMatchObject({ localOnly: true });
    expect(String(ready(listen).note)).toBe(
      `port ${standalone.port} is taken by a hooktunnel relay (use it with --relay http://127.0.0.1:${standalone.port}); the embedded relay uses port ${new URL(listen.url).port} instead`,
    );
    expect(standalone.tunnelCount).toBe(0);
  });
});

describe('listen against a relay process', () => {
  it('works end to end with `hooktunnel relay` running as its own process', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const relay = spawn(process.execPath, [BIN, 'relay', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...home.env } });
    cleanups.push(() => {
      relay.kill('SIGTERM');
    });
    let out = '';
    relay.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    const relayUrl = (await waitFor(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], 'the relay to listen'))!;
    const app = await startLocalApp();
    cleanups.push(() => app.close());
    const listen = await listenFor([String(app.port), '--relay', relayUrl, '--db', home.db], home.env);
    expect(listen.url.startsWith(`${relayUrl}/t/`)).toBe(true);
    const reply = await send(`${listen.url}/via-process?a=1`, { body: 'payload' });
    expect(reply.status).toBe(200);
    expect(app.received[0].url).toBe('/via-process?a=1');
    expect(app.received[0].body.toString()).toBe('payload');
  });
});

describe('localhost targets', () => {
  it.each(['127.0.0.1', '::1'])('reach an app that listens only on %s', async (host) => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const relayUrl = await loopbackRelay(cleanups);
    const app = await startLocalApp(undefined, host);
    cleanups.push(() => app.close());
    const listen = await listenFor([`localhost:${app.port}`, '--relay', relayUrl, '--db', home.db], home.env);
    const reply = await send(`${listen.url}/stack`, { body: 'x' });
    expect(reply.status).toBe(200);
    expect(app.received).toHaveLength(1);
  });
});

describe('--host-header', () => {
  it.each([
    ['preserve', (relayHost: string) => relayHost],
    ['hooks.internal:9999', () => 'hooks.internal:9999'],
  ])('%s sets the Host the local app sees', async (mode, expected) => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const relayUrl = await loopbackRelay(cleanups);
    const app = await startLocalApp();
    cleanups.push(() => app.close());
    const listen = await listenFor([String(app.port), '--relay', relayUrl, '--db', home.db, '--host-header', mode], home.env);
    await send(`${listen.url}/host`, { body: 'x' });
    const host = app.received[0].rawHeaders[app.received[0].rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'host') + 1];
    expect(host).toBe(expected(new URL(relayUrl).host));
  });
});

describe('refusals and errors', () => {
  it('refuses a client with an unsupported protocol version, naming the supported ones', async () => {
    const relayUrl = await loopbackRelay(cleanups);
    const ws = new WebSocket(relayUrl.replace('http', 'ws') + CONNECT_PATH);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(encode(MessageType.Hello, 0, { version: 99, timeoutMs: 1000 }));
    const data = (await new Promise((resolve) => ws.once('message', resolve))) as Buffer;
    const message = decode(data);
    expect(message.type).toBe(MessageType.Refused);
    expect(message.type === MessageType.Refused && message.meta).toMatchObject({ code: 'unsupported_version', fatal: true });
    expect(message.type === MessageType.Refused && message.meta.message).toContain('protocol version 1');
    ws.close();
  });

  it('exits non-zero with --no-retry when the relay cannot be reached', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const port = await freePort();
    const result = await runCli(['listen', '3000', '--relay', `http://127.0.0.1:${port}`, '--no-retry', '--db', home.db], { env: home.env });
    expect(result.code).toBe(1);
    // Said once, as the error: not also as an 'offline' line before it.
    expect(result.stderr.split('\n')[0]).toBe(`error: could not connect to relay http://127.0.0.1:${port} (connection refused)`);
    expect(result.stderr.match(/could not connect/g)).toHaveLength(1);
    expect(result.stderr).toContain('hint:');
    expect(result.stdout).not.toContain('/t/');
  });

  it.each([
    [['listen', '3000', '--relay', 'foo'], '--relay "foo" is not an http(s):// or ws(s):// URL'],
    [['listen', '3000', '--timeout', 'soon'], '--timeout "soon" is not a duration'],
    [['listen', 'ftp://x'], 'must be an http:// or https:// URL'],
    [['listen', '300o'], 'target "300o" has no port'],
    [['listen', 'unix:/run/app.sock'], 'target "unix:/run/app.sock" is a Unix socket or a path; hooktunnel forwards to TCP ports only'],
    [['listen', '/tmp/app.sock'], 'target "/tmp/app.sock" is a Unix socket or a path; hooktunnel forwards to TCP ports only'],
    [['listen', '3000', '--name', 'bad name!'], '--name: name "bad name!" must be 1-63 lowercase letters, digits or dashes'],
    [['listen', '3000', '--embedded-port', 'abc'], '--embedded-port "abc" is not a port (0-65535)'],
    [['listen', '3000', '--ack-status', '202'], '--ack-status needs acknowledge mode'],
    // Every request would fail as if the app broke the connection: the HTTP client refuses such a Host header.
    [['listen', '3000', '--host-header', 'localhost\nX-Injected: 1'], '--host-header contains a control character'],
    [['ls', '--path', 'hook'], '--path "hook" does not start with /'],
    [['export', '--har', '-', '--path', 'hook'], '--path "hook" does not start with /'],
    [['export'], 'export needs exactly one of --har <file> or --json <file>\nhint: e.g. hooktunnel export --har hooks.har, or --json - for JSON on stdout'],
    [['relay', '--port', '99999'], '--port "99999" is not a port (0-65535)'],
    [['show', '#abc'], '"#abc" is not an exchange id or an event id'],
  ])('rejects bad usage %j with exit code 2', async (argv, message) => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const result = await runCli(argv, { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('    at ');
  });

  it('names the environment variable when a bad value came from it, not from the flag', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const fromEnv = await runCli(['listen', '3000'], { env: { ...home.env, HOOKTUNNEL_TIMEOUT: 'soon' } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('error: --timeout "soon" (from HOOKTUNNEL_TIMEOUT) is not a duration');
    const fromFlag = await runCli(['listen', '3000', '--timeout', 'soon'], { env: { ...home.env, HOOKTUNNEL_TIMEOUT: '5s' } });
    expect(fromFlag.stderr).toContain('error: --timeout "soon" is not a duration');
  });

  it('prints help that teaches, with examples', async () => {
    const help = await runCli(['listen', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('HOOKTUNNEL_RELAY');
    const unknown = await runCli(['listen', '3000', '--nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--nope'");
  });
});

describe('untrusted bytes on the terminal', () => {
  it('shows escape sequences in bodies and paths as visible text, except with --raw', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const relayUrl = await loopbackRelay(cleanups);
    const app = await startLocalApp();
    cleanups.push(() => app.close());
    const listen = await listenFor([String(app.port), '--relay', relayUrl, '--db', home.db], home.env);
    const hostile = 'title \x1b]0;pwned\x07 clear \x1b[2J bidi \u202e gnp.exe \x9b31m';
    await send(`${listen.url}/%1b%5b2J`, { headers: ['Content-Type', 'text/plain'], body: hostile });
    const event = await listen.waitForRequest(() => true, 'the hostile exchange');

    const show = await runCli(['show', String(event.id), '--db', home.db], { env: home.env });
    expect(show.stdout).not.toMatch(/[\x1b\x07\x9b\u202e]/);
    expect(show.stdout).toContain('\\e]0;pwned\\x07');
    expect(show.stdout).toContain('\\e[2J');
    expect(show.stdout).toContain('\\u{202e}');
    const raw = await runCli(['show', String(event.id), '--raw', '--db', home.db], { env: home.env });
    expect(raw.stdoutBytes.toString()).toBe(hostile);
  });
});
