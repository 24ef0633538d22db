// `hooktunnel login` asks the relay before it saves: a token the relay refuses, a URL that is not a relay, a relay that
// cannot be reached are errors (with a stable code under --json) and leave the config file alone; --no-check saves anyway.

import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryAuthStore } from '../../relay-server/auth.js';
import { jsonLines, runCli, tempHome, type CliResult } from '../helpers/cli.js';
import { WebSocketServer } from 'ws';
import { serveOnLoopback, startLocalApp } from '../helpers/http.js';
import { onCleanup, startRelay } from './helpers.js';

function home() {
  const h = tempHome();
  onCleanup(h.cleanup);
  return { ...h, config: join(h.env.XDG_CONFIG_HOME, 'hooktunnel', 'config.json') };
}

async function tokenRelay(): Promise<string> {
  return (await startRelay({ auth: memoryAuthStore(['good-token']), requireToken: true })).url;
}

/** A URL where nothing listens: a port that was just closed. */
async function closedUrl(): Promise<string> {
  const app = await startLocalApp();
  await app.close();
  return app.url;
}

/** A failed --json login: exit 1, nothing on stdout, one JSON error with this code on stderr. */
function failedJson(result: CliResult, code: string): { message: string; hint: string | null } {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const [line, ...others] = jsonLines(result.stderr) as { error: { code: string; message: string; hint: string | null } }[];
  expect(others).toEqual([]);
  expect(line.error.code).toBe(code);
  return line.error;
}

describe('login checks the relay before saving', () => {
  it('a token the relay accepts is saved, and says it was checked', async () => {
    const h = home();
    const url = await tokenRelay();
    const result = await runCli(['login', url, '--token', 'good-token'], { env: h.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Saved relay ${url} and its token to ${h.config} (the relay accepts the token)`);
    expect(JSON.parse(readFileSync(h.config, 'utf8'))).toEqual({ relay: url, token: 'good-token' });

    const json = await runCli(['login', url, '--token', 'good-token', '--json'], { env: h.env });
    expect(json.code, json.stderr).toBe(0);
    expect(jsonLines(json.stdout)).toEqual([{ relay: url, config: h.config, checked: true }]);
  });

  it('a token the relay refuses: exit 1, nothing saved, and a hint', async () => {
    const h = home();
    const url = await tokenRelay();
    const result = await runCli(['login', url, '--token', 'mistyped-token'], { env: h.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: relay refused the connection: 401 unauthorized; nothing saved');
    expect(result.stderr).toContain('hint: check the token, or ask the relay\'s operator for a new one');
    expect(existsSync(h.config)).toBe(false);

    const json = failedJson(await runCli(['login', url, '--token', 'mistyped-token', '--json'], { env: h.env }), 'unauthorized');
    expect(json.hint).toContain('check the token');
    expect(existsSync(h.config)).toBe(false);
  });

  it('a URL that is not a relay (another web server, a relay under a wrong path): not_a_relay, nothing saved', async () => {
    const h = home();
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const other = failedJson(await runCli(['login', app.url, '--token', 'good-token', '--json'], { env: h.env }), 'not_a_relay');
    expect(other.message).toContain(`${app.url} does not look like a hooktunnel relay`);

    // A WebSocket server that takes any upgrade: only a relay signs its 101.
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    const wsUrl = await serveOnLoopback(server);
    onCleanup(() => wss.close());
    const unsigned = failedJson(await runCli(['login', wsUrl, '--token', 'good-token', '--json'], { env: h.env }), 'not_a_relay');
    expect(unsigned.message).toContain('answered the tunnel handshake but does not look like a hooktunnel relay');

    const wrongPath = failedJson(await runCli(['login', `${await tokenRelay()}/hooks`, '--token', 'good-token', '--json'], { env: h.env }), 'not_a_relay');
    expect(wrongPath.hint).toContain('give the address of a `hooktunnel relay`');
    expect(existsSync(h.config)).toBe(false);
  });

  it('a relay that cannot be reached is refused with a hint; --no-check saves it anyway', async () => {
    const h = home();
    const url = await closedUrl();
    const refused = await runCli(['login', url, '--token', 't'], { env: h.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: could not connect to relay ${url} (connection refused); nothing saved`);
    expect(refused.stderr).toContain('--no-check');
    expect(existsSync(h.config)).toBe(false);
    failedJson(await runCli(['login', url, '--token', 't', '--json'], { env: h.env }), 'relay_unreachable');

    const saved = await runCli(['login', url, '--token', 't', '--no-check', '--json'], { env: h.env });
    expect(saved.code, saved.stderr).toBe(0);
    expect(jsonLines(saved.stdout)).toEqual([{ relay: url, config: h.config, checked: false }]);
    expect(JSON.parse(readFileSync(h.config, 'utf8'))).toEqual({ relay: url, token: 't' });
  });
});
