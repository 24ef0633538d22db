// Token auth at the WebSocket upgrade: missing, wrong, valid, revoked on a running relay, and the per-IP failure limit.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchToken, memoryAuthStore, newToken, tokenDigest } from '../../relay-server/auth.js';
import { parseTokenList, relayAuthStore, watchTokenFile } from '../../src/relay-state/auth-store.js';
import { RelayDb } from '../../src/relay-state/relay-db.js';
import { runCli } from '../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { onCleanup, openSession, refusedSession, startRelay, upgrade } from './helpers.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-relay-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function localApp() {
  const app = await startLocalApp();
  onCleanup(() => app.close());
  return app;
}

describe('tokens', () => {
  it('are 256 random bits, matched by digest in constant time, never by prefix', () => {
    const token = newToken();
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    const records = [{ digest: tokenDigest('alpha'), label: 'a' }, { digest: tokenDigest(token), label: 'b' }];
    expect(matchToken(token, records)?.label).toBe('b');
    expect(matchToken('alpha', records)?.label).toBe('a');
    expect(matchToken(token.slice(0, -1), records)).toBeUndefined();
    expect(matchToken(`${token}x`, records)).toBeUndefined();
    expect(parseTokenList(' a, b ,,c')).toEqual(['a', 'b', 'c']);
  });

  it('come from a token file that is re-read when it changes', () => {
    const file = join(tempDir(), 'tokens');
    writeFileSync(file, '# comment\none\n\n  two  \n');
    const read = watchTokenFile(file);
    expect(matchToken('two', read())).toBeDefined();
    writeFileSync(file, 'three\n');
    expect(matchToken('two', read())).toBeUndefined();
    expect(matchToken('three', read())).toBeDefined();
  });
});

describe('the upgrade', () => {
  it('answers 401 unauthorized before the upgrade completes when the token is missing or wrong', async () => {
    const { url } = await startRelay({ auth: memoryAuthStore(['good']) });
    for (const headers of [{}, { Authorization: 'Bearer bad' }, { Authorization: 'Basic Z29vZA==' }] as Record<string, string>[]) {
      const reply = await upgrade(url, headers);
      expect(reply.status).toBe(401);
      expect(reply.headers['x-hooktunnel-error']).toBe('unauthorized');
      expect(reply.headers['www-authenticate']).toBe('Bearer');
      expect(reply.body).toContain('token');
    }
    expect((await upgrade(url, { Authorization: 'Bearer good' })).status).toBe(101);
  });

  it('lets a client with a valid token forward, and makes a 401 fatal for the CLI (no retry loop)', async () => {
    const { url } = await startRelay({ auth: memoryAuthStore(['good']) });
    const app = await localApp();
    const session = await openSession(url, app.port, { token: 'good' });
    expect((await send(`${session.welcome!.url}/hook`, { body: 'x' })).status).toBe(200);
    const error = await refusedSession(url, { token: 'wrong' });
    expect(error.message).toContain('401 unauthorized');
  });

  it('requires a token on a relay told to, even while none exists', async () => {
    const { url } = await startRelay({ auth: memoryAuthStore([]), requireToken: true });
    expect((await upgrade(url)).status).toBe(401);
  });

  it('is open on an anonymous relay, and closes to anonymous clients once a token is created', async () => {
    const store = memoryAuthStore([]);
    const { url } = await startRelay({ auth: store, tokenRecheckMs: 20 });
    const app = await localApp();
    const anonymous = await openSession(url, app.port);
    const fatal = new Promise<Error>((resolve) => anonymous.once('fatal', resolve));
    store.add('new');
    expect((await fatal).message).toContain('unauthorized');
    expect((await upgrade(url)).status).toBe(401);
    expect((await upgrade(url, { Authorization: 'Bearer new' })).status).toBe(101);
  });
});

describe('revocation on a running relay', () => {
  it('closes the live tunnel and refuses the token from then on', async () => {
    const store = memoryAuthStore(['keep', 'drop']);
    const { url, relay } = await startRelay({ auth: store, tokenRecheckMs: 20 });
    const app = await localApp();
    const kept = await openSession(url, app.port, { token: 'keep' });
    const dropped = await openSession(url, app.port, { token: 'drop' });
    const fatal = new Promise<Error>((resolve) => dropped.once('fatal', resolve));
    store.revoke('drop');
    expect((await fatal).message).toContain('revoked');
    expect((await upgrade(url, { Authorization: 'Bearer drop' })).status).toBe(401);
    expect(relay.tunnelCount).toBe(1);
    expect((await send(`${kept.welcome!.url}/still`, { body: 'x' })).status).toBe(200);
  });

  it('works across processes: `hooktunnel relay token revoke` closes a tunnel of the running relay', async () => {
    const dataDir = tempDir();
    const db = RelayDb.open(dataDir);
    onCleanup(() => db.close());
    const { token } = db.createToken('laptop');
    const { url } = await startRelay({ auth: relayAuthStore({ db }), tokenRecheckMs: 50 });
    const app = await localApp();
    const session = await openSession(url, app.port, { token });
    const fatal = new Promise<Error>((resolve) => session.once('fatal', resolve));
    const revoke = await runCli(['relay', 'token', 'revoke', 'laptop', '--data-dir', dataDir]);
    expect(revoke.code).toBe(0);
    expect((await fatal).message).toContain('revoked');
    expect((await upgrade(url, { Authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe('failed token checks', () => {
  it('block an IP with 429 rate_limited after 10 failures within the window, even with a valid token', async () => {
    const { url } = await startRelay({ auth: memoryAuthStore(['good']) });
    for (let i = 1; i <= 10; i++) expect((await upgrade(url, { Authorization: `Bearer wrong${i}` })).status).toBe(401);
    for (const headers of [{ Authorization: 'Bearer wrong' }, { Authorization: 'Bearer good' }]) {
      const reply = await upgrade(url, headers);
      expect(reply.status).toBe(429);
      expect(reply.headers['x-hooktunnel-error']).toBe('rate_limited');
      expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    }
  });

  it('are counted per client IP behind a trusted proxy, from its X-Forwarded-For', async () => {
    const { url } = await startRelay({ auth: memoryAuthStore(['good']), trustProxy: ['127.0.0.1'], limits: { maxAuthFailures: 2, authWindowMs: 60_000 } });
    const from = (ip: string) => ({ Authorization: 'Bearer wrong', 'X-Forwarded-For': ip });
    expect((await upgrade(url, from('203.0.113.1'))).status).toBe(401);
    expect((await upgrade(url, from('203.0.113.1'))).status).toBe(401);
    expect((await upgrade(url, from('203.0.113.1'))).status).toBe(429);
    expect((await upgrade(url, from('203.0.113.2'))).status).toBe(401);
  });

  it('are counted per proxy behind one --trust-proxy does not name, and the log says so once, with the flag to add', async () => {
    const lines: string[] = [];
    const { url } = await startRelay({ auth: memoryAuthStore(['good']), limits: { maxAuthFailures: 2, authWindowMs: 60_000 }, log: (line) => lines.push(line) });
    const from = (ip: string) => ({ Authorization: 'Bearer wrong', 'X-Forwarded-For': ip });
    expect((await upgrade(url, from('203.0.113.1'))).status).toBe(401);
    expect((await upgrade(url, from('203.0.113.1'))).status).toBe(401);
    // Another client behind the same proxy, with a good token: locked out with the first.
    expect((await upgrade(url, { Authorization: 'Bearer good', 'X-Forwarded-For': '203.0.113.2' })).status).toBe(429);
    const warnings = lines.filter((line) => line.includes('--trust-proxy does not name'));
    expect(warnings).toEqual([
      'tunnel clients come through a proxy at 127.0.0.1 (X-Forwarded-For) that --trust-proxy does not name: the relay sees every one of them as 127.0.0.1, so 2 wrong tokens from any of them lock all of them out for 60 s; start the relay with --trust-proxy 127.0.0.1',
    ]);

    const trusted: string[] = [];
    const behindTrusted = await startRelay({ auth: memoryAuthStore(['good']), trustProxy: ['127.0.0.1'], log: (line) => trusted.push(line) });
    await upgrade(behindTrusted.url, from('203.0.113.1'));
    expect(trusted.filter((line) => line.includes('--trust-proxy'))).toEqual([]);
  });

  it('unblock once the window has passed', async () => {
    const { url } = await startRelay({ auth: memoryAuthStore(['good']), limits: { maxAuthFailures: 1, authWindowMs: 200 } });
    expect((await upgrade(url, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await upgrade(url, { Authorization: 'Bearer good' })).status).toBe(429);
    await waitFor(async () => (await upgrade(url, { Authorization: 'Bearer good' })).status === 101, 'the block to end');
  });
});
