// The relay behind a real nginx running the shipped relay-server/deploy/nginx.conf (ports, certificate and relay
// address filled in): a tunnel opens through it, a 20 MiB webhook passes byte for byte, the printed URL is https://.
// nginx is started by the test itself, in the foreground, on free loopback ports; never the system service.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryAuthStore } from '../../relay-server/auth.js';
import { startListen } from '../helpers/cli.js';
import { sha256, startLocalApp } from '../helpers/http.js';
import { freePort, onCleanup, startRelay } from './helpers.js';
import { CERT, fill, findBinary, httpsRequest, inCi, KEY, listenEnv, tempDir, untilServing } from './proxy-helpers.js';

const SHIPPED = fileURLToPath(new URL('../../relay-server/deploy/nginx.conf', import.meta.url));
const NGINX = findBinary(['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx'], '-v');

/** The shipped site config with test ports, the test certificate and the relays' ports (one upstream line each). */
function siteConfig(ports: { https: number; http: number; relays: number[] }, webroot: string): string {
  const set = (config: string, from: string | RegExp, to: string) => fill(config, from, to, 'nginx.conf');
  let config = readFileSync(SHIPPED, 'utf8');
  config = set(config, /^\s*listen \[::\]:\d+.*$/gm, '');
  config = set(config, /listen 443 ssl;/, `listen 127.0.0.1:${ports.https} ssl;`);
  config = set(config, /listen 80;/, `listen 127.0.0.1:${ports.http};`);
  config = set(config, /ssl_certificate \s*\S+;/, `ssl_certificate ${CERT};`);
  config = set(config, /ssl_certificate_key \S+;/, `ssl_certificate_key ${KEY};`);
  config = set(config, /root \/var\/www\/html;/, `root ${webroot};`);
  config = set(config, /^(\s*)server 127\.0\.0\.1:8080 (.*);$/m, ports.relays.map((port) => `$1server 127.0.0.1:${port} $2;`).join('\n'));
  return set(config, /server_name hooks\.example\.com;/g, 'server_name localhost;');
}

/** Starts nginx in the foreground with everything (pid, logs, temp files) in a temp dir; resolves once it serves. */
async function startNginx(site: string, httpsPort: number): Promise<{ errorLog: () => string }> {
  const dir = tempDir('hooktunnel-nginx-');
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  writeFileSync(join(dir, 'site.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(dir, kind)};`).join('\n  ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  ${temp}
  include ${join(dir, 'site.conf')};
}
`,
  );
  const args = ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`];
  const child = spawn(NGINX!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exited: string | undefined;
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exit = new Promise((resolve) => child.on('exit', resolve));
  void exit.then(() => (exited = `${stderr}${errorLog()}`));
  onCleanup(async () => {
    if (exited === undefined) child.kill('SIGQUIT');
    await exit;
  });
  await untilServing(`https://localhost:${httpsPort}/healthz`, () => exited);
  return { errorLog };
}

// In CI a missing nginx is a failure (.ci/run installs it); on a laptop without it the test is skipped.
describe.skipIf(!NGINX && !inCi)('behind nginx with the shipped config', () => {
  it('opens a tunnel through it, passes a 20 MiB webhook byte for byte, prints an https:// URL, and serves the ACME webroot over HTTP', { timeout: 60_000 }, async () => {
    if (!NGINX) throw new Error('nginx is not installed, and CI is set: install it (apt-get install -y nginx), as .ci/run does');
    const app = await startLocalApp((_req, res, body) => res.end(sha256(body)));
    onCleanup(() => app.close());
    const { url: relayUrl } = await startRelay({ trustProxy: ['127.0.0.1'], auth: memoryAuthStore(['nginx-token']), requireToken: true });
    const ports = { https: await freePort(), http: await freePort(), relays: [Number(new URL(relayUrl).port)] };
    // certbot --webroot writes its challenge here; nginx must serve it over plain HTTP, or renewals fail.
    const webroot = tempDir('hooktunnel-webroot-');
    mkdirSync(join(webroot, '.well-known', 'acme-challenge'), { recursive: true });
    writeFileSync(join(webroot, '.well-known', 'acme-challenge', 'token-123'), 'token-123.key-authorization');
    const nginx = await startNginx(siteConfig(ports, webroot), ports.https);
    const publicBase = `https://localhost:${ports.https}`;

    const listen = await startListen([String(app.port), '--relay', publicBase, '--name', 'behind-nginx', '--no-store'], listenEnv('nginx-token'));
    onCleanup(() => listen.stop());
    expect(listen.url).toBe(`${publicBase}/t/behind-nginx`);

    const body = randomBytes(20 * 1024 * 1024);
    const reply = await httpsRequest(`${listen.url}/webhook`, { body, headers: { 'Content-Type': 'application/octet-stream' } });
    expect(reply.status, nginx.errorLog()).toBe(200);
    expect(reply.body.toString()).toBe(sha256(body));
    expect(app.received[0].body.length).toBe(body.length);

    // nginx lets 25 MiB + 1 through (its limit is a little higher), so the relay answers 413 itself, marked, for a
    // declared length and for a chunked body alike, and nginx passes that answer on instead of a 502.
    for (const headers of [{}, { 'Transfer-Encoding': 'chunked' }] as Record<string, string>[]) {
      const tooLarge = await httpsRequest(`${listen.url}/webhook`, { body: Buffer.alloc(26_214_401), headers });
      expect(tooLarge.status, nginx.errorLog()).toBe(413);
      expect(tooLarge.headers['x-hooktunnel-error']).toBe('body_too_large');
    }
    expect(app.received).toHaveLength(1);

    const plain = (path: string) =>
      new Promise<{ status?: number; location?: string; body: string }>((resolve, reject) => {
        http
          .get(`http://127.0.0.1:${ports.http}${path}`, { agent: false }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (text: string) => (body += text));
            res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location, body }));
          })
          .on('error', reject);
      });
    const redirect = await plain('/t/behind-nginx/x');
    // 308 keeps the method and body: a webhook POSTed to http:// is sent again as a POST.
    expect(redirect.status).toBe(308);
    expect(redirect.location).toMatch(/^https:\/\//);
    expect(await plain('/.well-known/acme-challenge/token-123')).toMatchObject({ status: 200, body: 'token-123.key-authorization' });

    // The relay's head limits apply, not nginx's smaller defaults (8k per line): a 12 KiB header (a long signature) and
    // an 8 KiB URL, both within --max-header-size and --max-url, reach the app; one over them gets the relay's answer.
    const path = `/t/behind-nginx/${'p'.repeat(8192 - '/t/behind-nginx/'.length)}`;
    const signature = 's'.repeat(12 * 1024);
    const longSignature = await httpsRequest(`${listen.url}/webhook`, { body: Buffer.from('x'), headers: { 'X-Signature': signature } });
    expect(longSignature.status, nginx.errorLog()).toBe(200);
    expect(app.received.at(-1)!.rawHeaders).toContain(signature);
    const within = await httpsRequest(`${publicBase}${path}`, { body: Buffer.from('x') });
    expect(within.status, nginx.errorLog()).toBe(200);
    expect(app.received.at(-1)!.url).toBe(path.slice('/t/behind-nginx'.length));
    const longUrl = await httpsRequest(`${publicBase}${path}p`, { body: Buffer.from('x') });
    expect([longUrl.status, longUrl.headers['x-hooktunnel-error']], nginx.errorLog()).toEqual([414, 'uri_too_long']);
    const bigHeader = await httpsRequest(`${listen.url}/webhook`, { body: Buffer.from('x'), headers: { 'X-Signature': 's'.repeat(17 * 1024) } });
    expect([bigHeader.status, bigHeader.headers['x-hooktunnel-error']], nginx.errorLog()).toEqual([431, 'headers_too_large']);
  });

  it('with two relays (a cluster\'s nodes), one restarted is not set aside: stopping the other right after costs no sender a 502', { timeout: 60_000 }, async () => {
    if (!NGINX) throw new Error('nginx is not installed, and CI is set: install it (apt-get install -y nginx), as .ci/run does');
    const a = await startRelay();
    const b = await startRelay();
    const portOf = (url: string) => Number(new URL(url).port);
    const ports = { https: await freePort(), http: await freePort(), relays: [portOf(a.url), portOf(b.url)] };
    const nginx = await startNginx(siteConfig(ports, tempDir('hooktunnel-webroot-')), ports.https);
    // Answered by a relay (its 404 for a tunnel nobody holds, marked), not by nginx.
    const answeredByARelay = async () => {
      for (let i = 0; i < 4; i++) {
        const reply = await httpsRequest(`https://localhost:${ports.https}/t/nobody-here/hook`, { body: Buffer.from(`webhook ${i}`) });
        expect([reply.status, reply.headers['x-hooktunnel-error']], nginx.errorLog()).toEqual([404, 'tunnel_not_found']);
      }
    };

    // Node A restarts: while it is down, nginx finds it refusing and passes each request to B.
    await a.relay.close();
    await answeredByARelay();
    await startRelay({ port: ports.relays[0] });
    // Then B restarts, before nginx's default 10 s for a node it found down: A must be tried again.
    await b.relay.close();
    await answeredByARelay();
    expect(nginx.errorLog()).not.toContain('no live upstreams');
  });
});
