// `listen --relay` pointed at something that is not a relay (the app's own port, https:// to a plain port) says so and
// what --relay is for, instead of "refused the connection: 200 OK" or several lines of OpenSSL detail.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
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
