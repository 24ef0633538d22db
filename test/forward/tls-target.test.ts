// An https:// target: a dev server with a self-signed certificate is refused with what to do about it (its words reach
// the log, the JSON and the sender), trusting it through NODE_EXTRA_CA_CERTS works, and https:// to a plain HTTP port
// says so, instead of OpenSSL's text as "the local app failed".

import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { CERT, KEY } from '../relay/proxy-helpers.js';

const home = tempHome();
let server: https.Server;
let tlsPort: number;
let plain: LocalApp;

beforeAll(async () => {
  // The fixture is self-signed for localhost and 127.0.0.1, as mkcert-less dev servers' certificates are.
  server = https.createServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (req, res) => {
    req.resume();
    req.on('end', () => res.end('over tls'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tlsPort = (server.address() as AddressInfo).port;
  plain = await startLocalApp();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await plain?.close();
  home.cleanup();
});

const trigger = (to: string, env: Record<string, string> = {}) =>
  runCli(['trigger', 'stripe', 'invoice.paid', '--to', to, '--db', home.db, '--json'], { env: { ...home.env, ...env } });

describe('an https:// target', () => {
  it('with a certificate Node does not trust: local_unreachable, naming the certificate and NODE_EXTRA_CA_CERTS', async () => {
    const result = await trigger(`https://localhost:${tlsPort}`);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 502,
      error: {
        code: 'local_unreachable',
        message: `cannot reach https://localhost:${tlsPort}: its TLS certificate is not trusted (self-signed certificate); trust it with NODE_EXTRA_CA_CERTS=<its certificate or CA, .pem>, or forward to its http:// port`,
      },
    });
  });

  it('with that certificate trusted through NODE_EXTRA_CA_CERTS: delivered', async () => {
    const result = await trigger(`https://localhost:${tlsPort}`, { NODE_EXTRA_CA_CERTS: CERT });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 200, error: null });
  });

  it('on a port that speaks plain HTTP: says so', async () => {
    const result = await trigger(`https://127.0.0.1:${plain.port}`);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error).toEqual({
      code: 'local_unreachable',
      message: `cannot reach https://127.0.0.1:${plain.port}: it does not speak TLS on that port (is it http://?)`,
    });
  });
});
