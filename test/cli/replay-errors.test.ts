// `hooktunnel replay` when the target cannot be reached or does not answer: one clear line, exit 1, never a stack.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';
import { record } from './recorded.js';
import { onCleanup } from '../helpers/cleanup.js';

function home() {
  const h = tempHome();
  onCleanup(h.cleanup);
  return h;
}

/** A port with nothing listening on it: bound once, then closed. */
async function closedPort(): Promise<number> {
  const app = await startLocalApp();
  await app.close();
  return app.port;
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<number> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as net.AddressInfo).port;
}

/** stderr is exactly one line, the error, with no stack trace. */
function expectOneLine(stderr: string, line: string | RegExp) {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  if (typeof line === 'string') expect(stderr).toBe(`${line}\n`);
  else expect(stderr).toMatch(line);
}

describe('hooktunnel replay to a target it cannot reach', () => {
  it('says "connection refused" in one line on stderr and exits 1', async () => {
    const h = home();
    const [id] = record(h.db, [{ target: 'http://127.0.0.1:9', status: 200 }]);
    const port = await closedPort();
    const result = await runCli(['replay', String(id), '--to', `http://127.0.0.1:${port}`, '--db', h.db], { env: h.env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expectOneLine(result.stderr, `error: replay of #${id} failed: cannot reach http://127.0.0.1:${port}: connection refused (is your app running?)`);
  });

  it('names a host that does not resolve', async () => {
    const h = home();
    const [id] = record(h.db, [{ target: 'http://127.0.0.1:9', status: 200 }]);
    const result = await runCli(['replay', String(id), '--to', 'http://nowhere.invalid:3000', '--db', h.db], { env: h.env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    // ENOTFOUND, or EAI_AGAIN where no DNS server answers at all.
    expectOneLine(result.stderr, /^error: replay of #\d+ failed: cannot reach http:\/\/nowhere\.invalid:3000: (host nowhere\.invalid not found|DNS lookup of nowhere\.invalid failed, try again)\n$/);
  });

  it('gives up after --timeout on an app that accepts and never answers', async () => {
    const h = home();
    const [id] = record(h.db, [{ target: 'http://127.0.0.1:9', status: 200 }]);
    const port = await silentServer();
    const result = await runCli(['replay', String(id), '--to', String(port), '--timeout', '300ms', '--db', h.db], { env: h.env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expectOneLine(
      result.stderr,
      `error: replay of #${id} failed: the local app at http://localhost:${port} did not answer within 0.3 s (raise --timeout; 0 waits forever)`,
    );
  });

  it('with --json, prints the failed exchange on stdout and the error as a JSON object on stderr', async () => {
    const h = home();
    const [id] = record(h.db, [{ target: 'http://127.0.0.1:9', status: 200 }]);
    const port = await closedPort();
    const result = await runCli(['replay', String(id), '--to', `http://127.0.0.1:${port}`, '--db', h.db, '--json'], { env: h.env });
    expect(result.code).toBe(1);
    const message = `cannot reach http://127.0.0.1:${port}: connection refused (is your app running?)`;
    const exchange = JSON.parse(result.stdout);
    expect(exchange).toMatchObject({ replayOf: id, state: 'failed', status: 502, error: { code: 'local_unreachable', message } });
    expectOneLine(result.stderr, /^\{.*\}\n$/);
    expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'local_unreachable', message, hint: null, replayOf: id, id: exchange.id } });
  });
});

describe('bulk replay with some targets down', () => {
  it('replays the rest, names each failure with its exchange, sums up, and exits 1', async () => {
    const h = home();
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const down = `http://127.0.0.1:${await closedPort()}`;
    const ids = record(h.db, [
      { target: app.url, path: '/a', status: 200 },
      { target: down, path: '/b' },
      { target: app.url, path: '/c', status: 500 },
    ]);
    const result = await runCli(['replay', '--since', '1h', '--db', h.db], { env: h.env });
    expect(result.code).toBe(1);
    expect(app.received.map((r) => r.url)).toEqual(['/a', '/c']);
    const stdout = result.stdout.trimEnd().split('\n');
    expect(stdout).toHaveLength(2);
    expect(stdout[0]).toMatch(new RegExp(`/a .*\\(replay of #${ids[0]}\\)`));
    expect(stdout[1]).toMatch(new RegExp(`/c .*\\(replay of #${ids[2]}\\)`));
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `replaying 1/3: #${ids[0]}`,
      `replaying 2/3: #${ids[1]}`,
      `error: replay of #${ids[1]} failed: cannot reach ${down}: connection refused (is your app running?)`,
      `replaying 3/3: #${ids[2]}`,
      'replayed 3: 2 answered 2xx/3xx, 0 answered 4xx/5xx, 1 not delivered',
    ]);
  });

  it('with --json, keeps stdout one exchange per line and stderr one JSON error per failure', async () => {
    const h = home();
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const down = `http://127.0.0.1:${await closedPort()}`;
    const ids = record(h.db, [
      { target: down, path: '/stripe/a' },
      { target: app.url, path: '/stripe/b', status: 200 },
      { target: app.url, path: '/github/c', status: 200 },
    ]);
    const result = await runCli(['replay', '--since', '1h', '--path', '/stripe', '--db', h.db, '--json'], { env: h.env });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((e) => [e.replayOf, e.state])).toEqual([
      [ids[0], 'failed'],
      [ids[1], 'complete'],
    ]);
    const errors = result.stderr.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(errors).toEqual([
      { error: { code: 'local_unreachable', message: `cannot reach ${down}: connection refused (is your app running?)`, hint: null, replayOf: ids[0], id: lines[0].id } },
    ]);
  });
});
