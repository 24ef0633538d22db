// `listen --json` and `web --json` that cannot go on (README, "Errors with --json"): their events end with an `error`
// event on stdout, and stderr has the JSON error line every --json command fails with, the same fields in both.

import http from 'node:http';
import { expect, it } from 'vitest';
import { jsonLines, loopbackRelay, runCli, startListen, tempHome, type CliResult } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { serveOnLoopback, startLocalApp } from '../helpers/http.js';
import { memoryAuthStore } from '../../relay-server/auth.js';
import { createRelay } from '../../relay-server/relay.js';
import { Store } from '../../src/store/store.js';

function home(): { env: Record<string, string>; dir: string } {
  const h = tempHome();
  onCleanup(h.cleanup);
  return h;
}

async function relay(): Promise<string> {
  const cleanups: (() => unknown)[] = [];
  onCleanup(() => Promise.all(cleanups.map((close) => close())));
  return loopbackRelay(cleanups);
}

/** The events of a run that failed: every stdout line is one, the last is the error, which stderr's one line is too. */
function failed(result: CliResult, code: string, exit: number): Record<string, unknown>[] {
  expect(result.code, result.stderr).toBe(exit);
  const [line, ...others] = jsonLines(result.stderr) as { error: Record<string, unknown> }[];
  expect(others).toEqual([]);
  expect(line.error.code).toBe(code);
  const events = jsonLines(result.stdout) as Record<string, unknown>[];
  expect(events.at(-1)).toEqual({ type: 'error', ...line.error });
  return events;
}

it('the relay cannot be reached with --no-retry: the offline status, then the error', async () => {
  const closed = await startLocalApp();
  await closed.close();
  const result = await runCli(['listen', '3000', '--relay', closed.url, '--no-retry', '--no-store', '--no-web', '--json'], { env: home().env });
  const events = failed(result, 'relay_unreachable', 1);
  expect(events.map((e) => [e.type, e.state])).toEqual([['status', 'connecting'], ['status', 'offline'], ['error', undefined]]);
  expect(events.at(-1)).toMatchObject({ message: `could not connect to relay ${closed.url} (connection refused)`, hint: expect.stringContaining('is the relay running?') });
});

it('a name the relay refuses', async () => {
  const url = await relay();
  const { env } = home();
  const holder = await startListen(['3000', '--relay', url, '--name', 'shop', '--no-store', '--no-web'], env);
  onCleanup(() => holder.stop());
  const result = await runCli(['listen', '3000', '--relay', url, '--name', 'shop', '--no-store', '--no-web', '--json'], { env });
  const events = failed(result, 'name_taken', 1);
  expect(events.at(-1)).toMatchObject({ message: expect.stringContaining('name_taken'), hint: 'pick another --name, or pass --force to take it over' });
});

it('a token the relay refuses', async () => {
  const relay = createRelay({ port: 0, host: '127.0.0.1', auth: memoryAuthStore(['good-token']), requireToken: true });
  const url = await relay.start();
  onCleanup(() => relay.close());
  const result = await runCli(['listen', '3000', '--relay', url, '--token', 'wrong-token', '--no-store', '--no-web', '--json'], { env: home().env });
  const events = failed(result, 'unauthorized', 1);
  expect(events.at(-1)).toMatchObject({ message: 'relay refused the connection: 401 unauthorized', hint: expect.stringContaining('--token / HOOKTUNNEL_TOKEN') });
});

it('something that is not a relay', async () => {
  const app = await startLocalApp();
  onCleanup(() => app.close());
  const result = await runCli(['listen', '3000', '--relay', app.url, '--no-retry', '--no-store', '--no-web', '--json'], { env: home().env });
  expect(failed(result, 'not_a_relay', 1).at(-1)).toMatchObject({ message: expect.stringContaining('does not look like a hooktunnel relay') });
});

it('the web inspector port it was given is taken', async () => {
  const taken = new URL(await serveOnLoopback(http.createServer())).port;
  const { env, dir } = home();
  const result = await runCli(['listen', '3000', '--relay', await relay(), '--db', `${dir}/capture.db`, '--inspect-port', taken, '--json'], { env });
  const events = failed(result, 'error', 1);
  expect(events.at(-1)).toMatchObject({ message: `--inspect-port ${taken}: port ${taken} on 127.0.0.1 is taken`, hint: expect.stringContaining('pick another port') });
});

it('a store that cannot be opened: nothing but the error on stdout', async () => {
  const { env, dir } = home();
  const result = await runCli(['listen', '3000', '--db', dir, '--no-web', '--json'], { env });
  expect(failed(result, 'error', 1)).toEqual([{ type: 'error', code: 'error', message: `could not open the database ${dir}: unable to open database file`, hint: expect.any(String) }]);
});

it('a target it cannot forward to, and an option it does not know: usage errors before it starts', async () => {
  const { env } = home();
  expect(failed(await runCli(['listen', 'ftp://x', '--json'], { env }), 'usage', 2)).toHaveLength(1);
  expect(failed(await runCli(['listen', '3000', '--json', '--bogus'], { env }), 'usage', 2)).toEqual([
    { type: 'error', code: 'usage', message: "unknown option '--bogus'", hint: 'see `hooktunnel listen --help`' },
  ]);
});

it('web: a --db that does not exist, and a --port that is taken', async () => {
  const { env, dir } = home();
  const missing = await runCli(['web', '--db', `${dir}/nope.db`, '--no-open', '--json'], { env });
  expect(failed(missing, 'no_database', 2)).toHaveLength(1);
  const db = `${dir}/capture.db`;
  Store.open(db).close();
  const taken = new URL(await serveOnLoopback(http.createServer())).port;
  const busy = await runCli(['web', '--db', db, '--port', taken, '--no-open', '--json'], { env });
  expect(failed(busy, 'error', 1)).toEqual([{ type: 'error', code: 'error', message: `--port ${taken}: port ${taken} on 127.0.0.1 is taken`, hint: expect.any(String) }]);
});
