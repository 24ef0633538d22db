// The real CLI (bin/hooktunnel.js, built by `npm run build`) as child processes: the anonymous binding rule, signals,
// one relay per data directory, token commands, `login` and the config file, and a --force takeover between two
// `listen` processes.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryAuthStore } from '../../relay-server/auth.js';
import { loadConfig, relayFromConfig, updateConfig } from '../../src/config.js';
import { BIN, jsonLines, runCli, startListen, tempHome, wordsOfJsonError } from '../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { MessageType } from '../../src/protocol.js';
import { onCleanup, openSession, rawClient, startRelay, upgrade } from './helpers.js';
import { relayCli } from './relay-process.js';

function home() {
  const h = tempHome();
  onCleanup(h.cleanup);
  return h;
}

/** Runs `hooktunnel relay <args>` expecting it to exit; a relay that starts listening instead fails the test at once. */
async function relayRefuses(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HOOKTUNNEL_')));
  const child = spawn(process.execPath, [BIN, 'relay', '--port', '0', ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  onCleanup(async () => {
    child.kill('SIGKILL');
    await exit;
  });
  const listening = new Promise<never>((_resolve, reject) => {
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (stdout.includes('listening on')) reject(new Error(`relay ${args.join(' ')} started instead of refusing: ${stdout}`));
    });
  });
  const code = await Promise.race([exit, listening]);
  return { code, stderr };
}

describe('the anonymous binding rule', () => {
  it('exits 2 with a hint instead of listening on a public address without a token', async () => {
    const h = home();
    const result = await runCli(['relay', '--host', '0.0.0.0', '--port', '0'], { env: h.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without a token');
    expect(result.stderr).toMatch(/hint: .*relay token create.*--allow-anonymous/);
    expect(result.stdout).toBe('');
  });

  it('applies to a loopback relay behind a proxy too (--public-url, --domain, --trust-proxy)', async () => {
    const h = home();
    for (const flags of [['--public-url', 'https://hooks.example.com'], ['--domain', 'hooks.example.com'], ['--trust-proxy', '127.0.0.1']]) {
      const result = await runCli(['relay', '--port', '0', ...flags], { env: h.env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/refusing to serve .* without a token/);
    }
  });

  it('listens on a public address with --allow-anonymous, or once a token exists', async () => {
    const h = home();
    const open = await relayCli(['--host', '0.0.0.0', '--allow-anonymous', '--quiet'], h.env);
    expect(open.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const port = new URL(open.url).port;
    expect((await upgrade(`http://127.0.0.1:${port}`)).status).toBe(101);

    // Its own data directory: the first relay still holds the default one.
    const withToken = await relayCli(['--host', '0.0.0.0', '--quiet', '--data-dir', join(h.dir, 'second')], { ...h.env, HOOKTUNNEL_RELAY_TOKENS: 'tok1,tok2' });
    const local = `http://127.0.0.1:${new URL(withToken.url).port}`;
    expect((await upgrade(local)).status).toBe(401);
    expect((await upgrade(local, { Authorization: 'Bearer tok2' })).status).toBe(101);
  });
});

describe('the public address flags', () => {
  it('refuse a --public-url without http(s):// or with a path they cannot serve, a --domain that is not a host name, and a --trust-proxy that is not an IP (exit 2)', async () => {
    const h = home();
    const env = { ...h.env, HOOKTUNNEL_RELAY_TOKENS: 'tok1' };
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--public-url', 'hooks.example.com'], {}, /--public-url "hooks\.example\.com" must be an http:\/\/ or https:\/\/ URL/],
      [[], { HOOKTUNNEL_PUBLIC_URL: 'hooks.example.com' }, /--public-url "hooks\.example\.com" \(from HOOKTUNNEL_PUBLIC_URL\) must be/],
      [['--domain', 'https://hooks.example.com'], {}, /--domain "https:\/\/hooks\.example\.com" must be a host name/],
      [['--domain', 'hooks.example.com:8443'], {}, /--domain "hooks\.example\.com:8443" must be a host name/],
      [['--trust-proxy', '127.0.0.1,localhost'], {}, /--trust-proxy "127\.0\.0\.1,localhost": "localhost" is not an IP address/],
      // A path is served (test/relay/base-path.test.ts), but not these: unusable, or taken for the relay's own paths.
      [['--public-url', 'https://example.com/hooks?x=1'], {}, /--public-url "https:\/\/example\.com\/hooks\?x=1" must not have a query or fragment/],
      [['--public-url', 'https://example.com/hooks', '--domain', 'hooks.example.com'], {}, /has a path, but --domain puts every tunnel at the root of its own host/],
      [['--public-url', 'https://example.com/t/'], {}, /puts the relay under \/t, a path it answers itself/],
      [['--public-url', 'https://example.com/healthz/x'], {}, /puts the relay under \/healthz, a path it answers itself/],
    ];
    for (const [flags, extra, message] of cases) {
      const result = await relayRefuses(flags, { ...env, ...extra });
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
    }
  });

  it('accept the forms the docs use', async () => {
    const h = home();
    const relay = await relayCli(['--public-url', 'https://hooks.example.com/', '--domain', 'Hooks.Example.com', '--trust-proxy', '127.0.0.1, ::1', '--quiet'], { ...h.env, HOOKTUNNEL_RELAY_TOKENS: 'tok1' });
    expect(relay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('the log', () => {
  it('escapes what a client sent: an 8-bit CSI in the Host of its upgrade reaches the operator\'s terminal as text', async () => {
    const h = home();
    const relay = await relayCli([], h.env);
    const client = await rawClient(relay.url, { headers: { Host: 'evil\x9b2J.test' }, hello: {} });
    await client.next(MessageType.Welcome);
    const opened = await waitFor(() => relay.stderr().split('\n').find((line) => line.includes(' opened from ')), 'the "opened" log line');
    expect(opened).toContain('http://evil\\x9b2J.test/t/');
    expect(relay.stderr()).not.toMatch(/[\u0080-\u009f]/);
  });
});

describe('signals', () => {
  it('SIGTERM drains: the in-flight request finishes, then the relay exits 0', async () => {
    const h = home();
    const relay = await relayCli([], h.env);
    const held: ServerResponse[] = [];
    const app = await startLocalApp((_req, res) => held.push(res));
    onCleanup(() => app.close());
    const session = await openSession(relay.url, app.port, { retry: true });
    const inFlight = send(`${session.welcome!.url}/slow`, { body: 'x' });
    await waitFor(() => held.length === 1, 'the request to reach the app');
    relay.child.kill('SIGTERM');
    await waitFor(() => relay.stderr().includes('draining'), 'the relay to start draining');
    held[0].end('done');
    expect((await inFlight).status).toBe(200);
    expect(await relay.exit).toBe(0);
  });

  it('a second signal stops at once, without waiting for the in-flight request', async () => {
    const h = home();
    const relay = await relayCli(['--drain-timeout', '60s'], h.env);
    const app = await startLocalApp(() => {});
    onCleanup(() => app.close());
    const session = await openSession(relay.url, app.port, { retry: true });
    void send(`${session.welcome!.url}/forever`, { body: 'x' }).catch(() => {});
    await waitFor(() => app.received.length === 1, 'the request to reach the app');
    relay.child.kill('SIGTERM');
    await waitFor(() => relay.stderr().includes('draining'), 'the relay to start draining');
    relay.child.kill('SIGTERM');
    expect(await relay.exit).toBe(0);
    expect(relay.stderr()).toContain('stopping now');
  });
});

describe('one relay per data directory', () => {
  it('a second relay on the same --data-dir refuses to start, naming the one that runs; token commands still work; a killed relay leaves no lock', async () => {
    const h = home();
    const dataDir = join(h.dir, 'relay');
    const first = await relayCli(['--data-dir', dataDir, '--quiet'], h.env);

    // Each would queue (202) what reaches it for the other's clients, where they never look.
    const second = await relayRefuses(['--data-dir', dataDir], h.env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`error: another relay is already running on the data directory ${dataDir} (pid ${first.child.pid})`);
    expect(second.stderr).toMatch(/hint: one relay per --data-dir: stop the other one first .*or give this one its own --data-dir/);

    expect((await runCli(['relay', 'token', 'create', '--name', 'ci', '--data-dir', dataDir], { env: h.env })).code).toBe(0);

    first.child.kill('SIGKILL');
    await first.exit;
    const next = await relayCli(['--data-dir', dataDir, '--quiet'], h.env);
    expect(next.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('relay token commands', () => {
  it('create prints the token once on stdout; list shows names; revoke removes it', async () => {
    const h = home();
    const dataDir = join(h.dir, 'relay-state');
    const created = await runCli(['relay', 'token', 'create', '--name', 'laptop', '--data-dir', dataDir], { env: h.env });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^htr_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toContain('cannot show it again');
    expect(statSync(join(dataDir, 'relay.db')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, 'relay.db')).includes(created.stdout.trim())).toBe(false);

    const listed = await runCli(['relay', '--data-dir', dataDir, 'token', 'list'], { env: h.env });
    expect(listed.stdout).toMatch(/^NAME +SOURCE +CREATED \(UTC\) +NAMES\nlaptop +stored +\d{4}-\d\d-\d\d \d\d:\d\d +-\n$/);
    expect((await runCli(['relay', 'token', 'revoke', 'laptop', '--data-dir', dataDir], { env: h.env })).code).toBe(0);
    const again = await runCli(['relay', 'token', 'revoke', 'laptop', '--data-dir', dataDir], { env: h.env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no token named "laptop"');
    // Found as `relay name give` finds its token, and refused with the same code a script acts on.
    const json = await runCli(['relay', 'token', 'revoke', 'laptop', '--json', '--data-dir', dataDir], { env: h.env });
    expect([json.code, json.stdout]).toEqual([1, '']);
    expect(wordsOfJsonError(json.stderr, 'no_such_token')).toBe('error: no token named "laptop"\nhint: run `hooktunnel relay token list` to see the names\n');
  });

  it('list also shows the tokens given by HOOKTUNNEL_RELAY_TOKENS and --token-file, by label and with their names, never the token', async () => {
    const h = home();
    const tokenFile = join(h.dir, 'tokens');
    writeFileSync(tokenFile, '# CI\nfile-secret-1\nfile-secret-2\n');
    const env = { ...h.env, HOOKTUNNEL_RELAY_TOKENS: 'env-secret-1' };
    expect((await runCli(['relay', 'token', 'create', '--name', 'laptop'], { env: h.env })).code).toBe(0);
    const relay = await relayCli(['--quiet', '--token-file', tokenFile], env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    // Reserves the name for the file's second token.
    await openSession(relay.url, app.port, { token: 'file-secret-2', name: 'ci-app' });

    for (const args of [['--token-file', tokenFile], []]) {
      const listed = await runCli(['relay', 'token', 'list', ...args], { env: { ...env, ...(args.length ? {} : { HOOKTUNNEL_RELAY_TOKEN_FILE: tokenFile }) } });
      expect(listed.code).toBe(0);
      const lines = listed.stdout.split('\n').map((line) => line.trimEnd().split(/ {2,}/));
      expect(lines).toEqual([
        ['NAME', 'SOURCE', 'CREATED (UTC)', 'NAMES'],
        ['laptop', 'stored', expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/), '-'],
        ['HOOKTUNNEL_RELAY_TOKENS #1', 'environment', '-', '-'],
        [`${tokenFile} #1`, 'token file', '-', '-'],
        [`${tokenFile} #2`, 'token file', '-', 'ci-app'],
        [''],
      ]);
      expect(listed.stdout).not.toContain('secret');
    }

    // Only where it is given can such a token be taken away: revoke says where.
    const revoke = await runCli(['relay', 'token', 'revoke', 'HOOKTUNNEL_RELAY_TOKENS #1'], { env });
    expect([revoke.code, revoke.stderr]).toEqual([1, expect.stringContaining('take it out of HOOKTUNNEL_RELAY_TOKENS where the relay runs')]);
    const fromFile = await runCli(['relay', 'token', 'revoke', `${tokenFile} #2`, '--token-file', tokenFile], { env: h.env });
    expect([fromFile.code, fromFile.stderr]).toEqual([1, expect.stringContaining('delete its line from that file')]);
  });

  it('logs a tunnel\'s close once, with why the relay closed it (a revoked token)', async () => {
    const h = home();
    const token = (await runCli(['relay', 'token', 'create', '--name', 'laptop'], { env: h.env })).stdout.trim();
    const other = (await runCli(['relay', 'token', 'create', '--name', 'desktop'], { env: h.env })).stdout.trim();
    const relay = await relayCli([], h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const session = await openSession(relay.url, app.port, { token, name: 'shop' });
    const stopped = new Promise((resolve) => session.once('fatal', resolve));
    expect((await runCli(['relay', 'token', 'revoke', 'laptop'], { env: h.env })).code).toBe(0);
    await stopped;
    await waitFor(async () => ((await (await fetch(`${relay.url}/healthz`)).json()) as { tunnels: number }).tunnels === 0, 'the relay to let go of the tunnel');
    // A line logged after the close, on the same stream: once it is in, every line about the close is too.
    await openSession(relay.url, app.port, { token: other, name: 'later' });
    await waitFor(() => relay.stderr().includes('tunnel later opened'), 'the next tunnel\'s line');
    const lines = relay.stderr().split('\n').filter((line) => line.includes('tunnel shop closed'));
    expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual(['tunnel shop closed: the token of this tunnel was revoked on the relay']);
  });

  it('name list without names says where it looked, and where a cluster keeps its names', async () => {
    const h = home();
    const dataDir = join(h.dir, 'relay');
    const listed = await runCli(['relay', 'name', 'list', '--data-dir', dataDir], { env: h.env });
    expect([listed.code, listed.stdout]).toEqual([0, '']);
    expect(listed.stderr).toBe(
      `No reserved names in ${dataDir}/relay.db. A name is reserved when a client with a token first asks for it (\`listen --name\`).\n` +
        "A cluster's names are in its Redis: `hooktunnel relay name list --redis URL`.\n",
    );
  });

  it('name list gives each name\'s token as token list names it, and says revoked only for a token that is gone', async () => {
    const h = home();
    const tokenFile = join(h.dir, 'tokens');
    writeFileSync(tokenFile, 'file-secret-1\nfile-secret-2\n');
    const env = { ...h.env, HOOKTUNNEL_RELAY_TOKENS: 'env-secret-1' };
    const create = async (name: string) => (await runCli(['relay', 'token', 'create', '--name', name], { env: h.env })).stdout.trim();
    const laptop = await create('laptop');
    const old = await create('old');
    const relay = await relayCli(['--quiet', '--token-file', tokenFile], env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    for (const [token, name] of [[laptop, 'laptop-app'], [old, 'old-app'], ['file-secret-2', 'ci-app'], ['env-secret-1', 'env-app']]) {
      await openSession(relay.url, app.port, { token, name });
    }
    expect((await runCli(['relay', 'token', 'revoke', 'old'], { env: h.env })).code).toBe(0);

    const owners = async (args: string[]) => {
      const listed = await runCli(['relay', 'name', 'list', ...args], { env });
      expect(listed.code).toBe(0);
      return listed.stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/ {2,}/)).map(([name, , owner]) => [name, owner]);
    };
    const digest = (token: string) => `${createHash('sha256').update(token).digest('hex').slice(0, 12)}…`;
    expect(await owners(['--token-file', tokenFile])).toEqual([
      ['ci-app', `${tokenFile} #2`],
      ['env-app', 'HOOKTUNNEL_RELAY_TOKENS #1'],
      ['laptop-app', 'laptop'],
      ['old-app', `(revoked: ${digest(old)})`],
    ]);
    // Without the relay's token file, a token that is not stored may still be one of its lines: not called revoked.
    const unsure = (token: string) => `(a --token-file token not given here, or revoked: ${digest(token)})`;
    expect(await owners([])).toEqual([
      ['ci-app', unsure('file-secret-2')],
      ['env-app', 'HOOKTUNNEL_RELAY_TOKENS #1'],
      ['laptop-app', 'laptop'],
      ['old-app', unsure(old)],
    ]);
    // The same lists as JSON, for scripts: the fields the text shows, and never a token itself.
    const json = async (what: 'token' | 'name') => {
      const listed = await runCli(['relay', what, 'list', '--json', '--token-file', tokenFile], { env });
      expect([listed.code, listed.stderr]).toEqual([0, '']);
      expect(listed.stdout).not.toMatch(/secret-\d/);
      return JSON.parse(listed.stdout);
    };
    const minute = expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(await json('token')).toEqual([
      { name: 'laptop', source: 'stored', created: minute, names: ['laptop-app'] },
      { name: 'HOOKTUNNEL_RELAY_TOKENS #1', source: 'environment', created: null, names: ['env-app'] },
      { name: `${tokenFile} #1`, source: 'token file', created: null, names: [] },
      { name: `${tokenFile} #2`, source: 'token file', created: null, names: ['ci-app'] },
    ]);
    expect(await json('name')).toEqual([
      { name: 'ci-app', claimed: minute, token: `${tokenFile} #2` },
      { name: 'env-app', claimed: minute, token: 'HOOKTUNNEL_RELAY_TOKENS #1' },
      { name: 'laptop-app', claimed: minute, token: 'laptop' },
      { name: 'old-app', claimed: minute, token: null, tokenDigest: digest(old).slice(0, -1) },
    ]);
  });

  it('token list and name list show what they can when the token file cannot be read, then name the file and what to do, and exit 1', async () => {
    const h = home();
    const tokenFile = join(h.dir, 'tokens');
    writeFileSync(tokenFile, 'file-secret-1\n');
    const env = { ...h.env, HOOKTUNNEL_RELAY_TOKENS: 'env-secret-1' };
    const laptop = (await runCli(['relay', 'token', 'create', '--name', 'laptop'], { env: h.env })).stdout.trim();
    const relay = await relayCli(['--quiet', '--token-file', tokenFile], env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    for (const [token, name] of [[laptop, 'laptop-app'], ['file-secret-1', 'ci-app'], ['env-secret-1', 'env-app']]) {
      await openSession(relay.url, app.port, { token, name });
    }
    const hint = 'hint: run this as the user the relay runs as, with its environment (`sudo -u <relay user> -E hooktunnel relay …`), or give the path the relay reads in --token-file\n';
    const digest = `${createHash('sha256').update('file-secret-1').digest('hex').slice(0, 12)}…`;
    // A path with no file, by the environment as the relay's unit gives it; a folder, by the flag.
    for (const [unreadable, why, args, fileEnv] of [
      [join(h.dir, 'missing'), 'no such file', [], { HOOKTUNNEL_RELAY_TOKEN_FILE: join(h.dir, 'missing') }],
      [h.dir, 'is a folder, not a file', ['--token-file', h.dir], {}],
    ] as const) {
      const error = `error: could not read the token file ${unreadable} (--token-file or HOOKTUNNEL_RELAY_TOKEN_FILE): ${why}`;
      const tokens = await runCli(['relay', 'token', 'list', ...args], { env: { ...env, ...fileEnv } });
      expect(tokens.code).toBe(1);
      expect(tokens.stdout.trimEnd().split('\n').map((line) => line.split(/ {2,}/)[0])).toEqual(['NAME', 'laptop', 'HOOKTUNNEL_RELAY_TOKENS #1']);
      expect(tokens.stderr).toBe(`${error}; its tokens are not listed above\n${hint}`);

      const names = await runCli(['relay', 'name', 'list', ...args], { env: { ...env, ...fileEnv } });
      expect(names.code).toBe(1);
      expect(names.stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/ {2,}/)).map(([name, , owner]) => [name, owner])).toEqual([
        // Unread, the file may hold this token: it is not called revoked.
        ['ci-app', `(a token of the unreadable --token-file, or revoked: ${digest})`],
        ['env-app', 'HOOKTUNNEL_RELAY_TOKENS #1'],
        ['laptop-app', 'laptop'],
      ]);
      expect(names.stderr).toBe(`${error}; a name owned by one of its tokens shows that token's digest, not its label\n${hint}`);
    }
    // Revoke takes a stored token away without the file, and does not guess about a name that is not stored.
    const missing = ['--token-file', join(h.dir, 'missing')];
    const notStored = await runCli(['relay', 'token', 'revoke', 'ci', ...missing], { env: h.env });
    expect(notStored.code).toBe(1);
    expect(notStored.stderr).toContain('; no stored token is named "ci", and whether the file has one could not be checked\n');
    expect((await runCli(['relay', 'token', 'revoke', 'laptop', ...missing], { env: h.env })).code).toBe(0);
  });

  it('use the XDG data directory by default, shared with `hooktunnel relay`', async () => {
    const h = home();
    const token = (await runCli(['relay', 'token', 'create'], { env: h.env })).stdout.trim();
    const relay = await relayCli(['--quiet'], h.env);
    expect(relay.url).toBeTruthy();
    expect((await upgrade(relay.url, { Authorization: `Bearer ${token}` })).status).toBe(101);
    expect((await upgrade(relay.url, { Authorization: 'Bearer other' })).status).toBe(401);
  });
});

describe('login', () => {
  it('writes relay and token to the XDG config file (0600), keeping other keys, and listen uses them', async () => {
    const h = home();
    const configDir = join(h.env.XDG_CONFIG_HOME, 'hooktunnel');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ secrets: { stripe: 'whsec_x' } }));
    const { url } = await startRelay({ auth: memoryAuthStore(['saved-token']) });

    const login = await runCli(['login', url, '--token', 'saved-token'], { env: h.env });
    expect(login.code).toBe(0);
    const file = join(configDir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ secrets: { stripe: 'whsec_x' }, relay: url, token: 'saved-token' });

    const app = await startLocalApp();
    onCleanup(() => app.close());
    const listen = await startListen([String(app.port), '--name', 'saved', '--db', h.db], h.env);
    onCleanup(() => listen.stop());
    expect(listen.url).toBe(`${url}/t/saved`);
  });

  it('a token the relay refuses: listen says which one (saved by login, given by --token / HOOKTUNNEL_TOKEN, or none) and how to get one', async () => {
    const h = home();
    const { url } = await startRelay({ auth: memoryAuthStore(['good-token']), requireToken: true });
    const listen = (env: Record<string, string> = {}) => runCli(['listen', '3000', '--relay', url, '--no-store', '--no-retry', '--no-tui', '--no-web'], { env: { ...h.env, ...env } });

    // Saved unchecked: as a token revoked after login would be.
    expect((await runCli(['login', url, '--token', 'mistyped-token', '--no-check'], { env: h.env })).code).toBe(0);
    const saved = await listen();
    expect(saved.code).toBe(1);
    expect(saved.stderr).toContain('error: relay refused the connection: 401 unauthorized');
    expect(saved.stderr).toContain(`hint: the relay does not accept the token \`hooktunnel login\` saved in ${join(h.env.XDG_CONFIG_HOME, 'hooktunnel', 'config.json')}`);
    expect(saved.stderr).toMatch(/hooktunnel login <relay-url> --token <token>` again/);

    const given = await listen({ HOOKTUNNEL_TOKEN: 'other-token' });
    expect(given.stderr).toContain('hint: the relay does not accept the token of --token / HOOKTUNNEL_TOKEN');

    expect((await runCli(['logout'], { env: h.env })).code).toBe(0);
    const none = await listen();
    expect(none.stderr).toContain('hint: this relay needs a token: ask the relay\'s operator for one');
  });

  it('logout forgets the saved relay and token and keeps the other keys', async () => {
    const h = home();
    const file = join(h.env.XDG_CONFIG_HOME, 'hooktunnel', 'config.json');
    expect((await runCli(['login', 'https://hooks.example.com', '--token', 'saved-token', '--no-check'], { env: h.env })).code).toBe(0);
    updateConfig({ secrets: { stripe: 'whsec_x' } }, file);

    const logout = await runCli(['logout'], { env: h.env });
    expect(logout.code).toBe(0);
    expect(logout.stdout).toContain('Forgot relay https://hooks.example.com and its token');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ secrets: { stripe: 'whsec_x' } });
    expect(relayFromConfig({}, loadConfig(file))).toEqual({ relay: undefined, token: undefined });

    const again = await runCli(['logout'], { env: h.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No relay saved');
  });

  it('rejects a URL that is not http(s) or ws(s), with exit code 2', async () => {
    const h = home();
    const result = await runCli(['login', 'ftp://x', '--token', 't'], { env: h.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"ftp://x" is not an http(s):// or ws(s):// URL');
  });

  it('never sends the saved token to another relay', () => {
    const config = { relay: 'https://mine.example', token: 'secret' };
    expect(relayFromConfig({}, config)).toEqual({ relay: 'https://mine.example', token: 'secret' });
    expect(relayFromConfig({ relay: 'https://mine.example/' }, config)).toEqual({ relay: 'https://mine.example/', token: 'secret' });
    expect(relayFromConfig({ relay: 'https://other.example' }, config)).toEqual({ relay: 'https://other.example', token: undefined });
    expect(relayFromConfig({ token: 'flag' }, config).token).toBe('flag');
  });
});

describe('--force between two listen processes', () => {
  it('the displaced CLI exits 1 with the reason and a hint, instead of reconnecting', async () => {
    const h = home();
    const { url } = await startRelay({ auth: memoryAuthStore(['tok']) });
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const env = { ...h.env, HOOKTUNNEL_TOKEN: 'tok' };
    const first = await startListen([String(app.port), '--relay', url, '--name', 'shared', '--no-store'], env);
    onCleanup(() => first.stop());
    const refused = await runCli(['listen', String(app.port), '--relay', url, '--name', 'shared', '--no-store', '--json'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('pass --force');

    // Listened for before the takeover: the displaced CLI may exit before startListen returns.
    const firstExit = new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startListen([String(app.port), '--relay', url, '--name', 'shared', '--force', '--no-store'], env);
    onCleanup(() => second.stop());
    const code = await firstExit;
    expect(code).toBe(1);
    expect(jsonLines(first.stderr())).toEqual([
      { error: { code: 'taken_over', message: expect.stringContaining('another client took over tunnel shared'), hint: expect.stringContaining('--force') } },
    ]);
    expect(second.url).toBe(`${url}/t/shared`);
  });
});

describe('listen --ack against a relay run with --no-queue', () => {
  it('exits 1 naming --no-queue as the reason, and says what to change on either side', async () => {
    const h = home();
    const relay = await relayCli(['--no-queue'], h.env);
    const refused = await runCli(['listen', '3000', '--relay', relay.url, '--ack', '--no-store'], { env: h.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: this relay runs with --no-queue: .*\(queue_unavailable\)$/m);
    expect(refused.stderr).toMatch(/^hint: run listen without --ack .*a relay started without --no-queue$/m);
  });
});
