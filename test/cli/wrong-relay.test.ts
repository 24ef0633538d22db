// `listen --relay` pointed at something that is not a relay (the app's own port, https:// to a plain port) says so and
// what --relay is for, instead of "refused the connection: 200 OK" or several lines of OpenSSL detail.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loopbackRelay, runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';

const home = tempHome();
let app: LocalApp;
beforeAll(async () => {
  app = await startLocalApp();
});
afterAll(async () => {
  await app?.close();
  home.cleanup();
});

const HINT =
  'hint: --relay (or HOOKTUNNEL_RELAY, or the relay saved by `hooktunnel login`) is the address of a `hooktunnel relay`, e.g. https://hooks.example.com; leave it out to use the embedded relay\n';

it('an HTTP server that is not a relay', async () => {
  const relay = `http://127.0.0.1:${app.port}`;
  const result = await runCli(['listen', '3000', '--relay', relay, '--no-retry', '--no-web', '--db', home.db], { env: home.env });
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`error: relay refused the connection: 200 OK: ${relay} does not look like a hooktunnel relay\n${HINT}`);
});

it('https:// to a port that speaks plain HTTP', async () => {
  const relay = `https://127.0.0.1:${app.port}`;
  const result = await runCli(['listen', '3000', '--relay', relay, '--no-retry', '--no-web', '--db', home.db], { env: home.env });
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`error: could not speak TLS with relay ${relay} (does it serve plain http:// on that port?)\n${HINT}`);
});

it('a relay behind a proxy that drops the WebSocket Upgrade header: the relay says so, and listen repeats it', async () => {
  const cleanups: (() => unknown)[] = [];
  try {
    const relay = new URL(await loopbackRelay(cleanups));
    // A proxy configured without `proxy_set_header Upgrade/Connection`: the handshake reaches the relay as a plain GET.
    const proxy = http.createServer((req, res) => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'upgrade' && name !== 'connection'));
      const upstream = http.request({ host: relay.hostname, port: relay.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => proxy.close(resolve)));
    const via = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const result = await runCli(['listen', '3000', '--relay', via, '--no-retry', '--no-web', '--db', home.db], { env: home.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: relay refused the connection: 426 upgrade_required: a proxy in front of the relay does not pass the WebSocket Upgrade and Connection headers on',
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
});
