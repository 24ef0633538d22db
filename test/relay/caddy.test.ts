// The relay behind a real Caddy running the shipped relay-server/deploy/Caddyfile (the relay's address, free ports
// and the test certificate filled in): a tunnel opens through it, a 20 MiB webhook passes, the URL is https://.
// Caddy is started by the test itself on free loopback ports, with its state in a temp dir; never a system service.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { memoryAuthStore } from '../../relay-server/auth.js';
import { startListen } from '../helpers/cli.js';
import { sha256, startLocalApp } from '../helpers/http.js';
import { freePort, onCleanup, startRelay } from './helpers.js';
import { CERT, fill, findBinary, httpsRequest, inCi, KEY, listenEnv, tempDir, untilServing } from './proxy-helpers.js';

const SHIPPED = fileURLToPath(new URL('../../relay-server/deploy/Caddyfile', import.meta.url));
const CADDY = findBinary(['caddy', '/usr/bin/caddy', '/usr/local/bin/caddy'], 'version');

/** The shipped Caddyfile behind global options for the test (ports, no admin API), with the relay's port and our certificate. */
function caddyfile(ports: { https: number; http: number; relay: number }): string {
  const set = (config: string, from: string | RegExp, to: string) => fill(config, from, to, 'Caddyfile');
  let config = readFileSync(SHIPPED, 'utf8');
  config = set(config, /^\{\$HOOKTUNNEL_HOST\} \{$/m, `{$HOOKTUNNEL_HOST} {\n\ttls ${CERT} ${KEY}`);
  config = set(config, /reverse_proxy relay:8080 \{/, `reverse_proxy 127.0.0.1:${ports.relay} {`);
  return `{\n\tadmin off\n\thttp_port ${ports.http}\n\thttps_port ${ports.https}\n\tskip_install_trust\n}\n\n${config}`;
}

async function startCaddy(config: string, host: string, httpsPort: number): Promise<{ log: () => string }> {
  const dir = tempDir('hooktunnel-caddy-');
  writeFileSync(join(dir, 'Caddyfile'), config);
  const env = { PATH: process.env.PATH ?? '', HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), HOOKTUNNEL_HOST: host };
  const child = spawn(CADDY!, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let exited: string | undefined;
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (log += text));
  const exit = new Promise((resolve) => child.on('exit', resolve));
  void exit.then(() => (exited = log));
  onCleanup(async () => {
    if (exited === undefined) child.kill('SIGTERM');
    await exit;
  });
  await untilServing(`https://${host}/healthz`, () => exited);
  return { log: () => log };
}

/** A token relay behind Caddy running the shipped Caddyfile, and a `listen` reaching it through Caddy as `name`. */
async function behindCaddy(appPort: number, name: string) {
  const { url: relayUrl } = await startRelay({ trustProxy: ['127.0.0.1'], auth: memoryAuthStore(['caddy-token']), requireToken: true });
  const ports = { https: await freePort(), http: await freePort(), relay: Number(new URL(relayUrl).port) };
  const host = `localhost:${ports.https}`;
  const caddy = await startCaddy(caddyfile(ports), host, ports.https);
  const listen = await startListen([String(appPort), '--relay', `https://${host}`, '--name', name, '--no-store'], listenEnv('caddy-token'));
  onCleanup(() => listen.stop());
  return { caddy, listen, host };
}

// In CI a missing Caddy is a failure (.ci/run installs it); on a laptop without it the test is skipped.
describe.skipIf(!CADDY && !inCi)('behind Caddy with the shipped Caddyfile', () => {
  it('opens a tunnel through it, passes a 20 MiB webhook byte for byte, and prints an https:// URL', { timeout: 60_000 }, async () => {
    if (!CADDY) throw new Error('caddy is not installed, and CI is set: install it (apt-get install -y caddy), as .ci/run should');
    const app = await startLocalApp((_req, res, body) => res.end(sha256(body)));
    onCleanup(() => app.close());
    const { caddy, listen, host } = await behindCaddy(app.port, 'behind-caddy');
    expect(listen.url).toBe(`https://${host}/t/behind-caddy`);

    const body = randomBytes(20 * 1024 * 1024);
    const reply = await httpsRequest(`${listen.url}/webhook`, { body, headers: { 'Content-Type': 'application/octet-stream' } });
    expect(reply.status, caddy.log()).toBe(200);
    expect(reply.body.toString()).toBe(sha256(body));

    const tooLarge = await httpsRequest(`${listen.url}/webhook`, { body: Buffer.alloc(26_214_401) });
    expect(tooLarge.status, caddy.log()).toBe(413);
    expect(tooLarge.headers['x-hooktunnel-error']).toBe('body_too_large');
    expect(app.received).toHaveLength(1);
  });

  it('adds no Accept-Encoding the sender did not send, and passes a gzip answer on as the app wrote it', { timeout: 60_000 }, async () => {
    if (!CADDY) throw new Error('caddy is not installed, and CI is set: install it (apt-get install -y caddy), as .ci/run should');
    const gzipped = gzipSync('{"ok":true}');
    const app = await startLocalApp((_req, res) => res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' }).end(gzipped));
    onCleanup(() => app.close());
    const { caddy, listen } = await behindCaddy(app.port, 'caddy-gzip');

    // The sender asks for no coding (https.request sends no Accept-Encoding).
    const reply = await httpsRequest(`${listen.url}/webhook`, { body: Buffer.from('{}'), headers: { 'Content-Type': 'application/json' } });
    expect(reply.status, caddy.log()).toBe(200);
    const sent = app.received[0].rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
    expect(sent).not.toContain('accept-encoding');
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(reply.body.equals(gzipped)).toBe(true);
  });
});
