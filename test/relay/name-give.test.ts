// `relay name give`: rotating a teammate's token hands their names on with the webhooks queued for them (answered 202),
// delivered once with their exact bytes to the new token's `listen`; and what it refuses. The real relay and the real
// `listen` as child processes, the relay's state in a temp dir.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RelayDb } from '../../src/relay-state/relay-db.js';
import { jsonLines, runCli, startListen, tempHome, wordsOfJsonError } from '../helpers/cli.js';
import { tokenDigest } from '../../relay-server/auth.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { onCleanup } from './helpers.js';
import { relayCli } from './relay-process.js';

/** A relay (child process) on its own data directory, with these stored tokens; the tokens by name. */
async function relayWithTokens(...names: string[]) {
  const h = tempHome();
  onCleanup(h.cleanup);
  const dataDir = join(h.dir, 'relay');
  const tokens: Record<string, string> = {};
  for (const name of names) tokens[name] = (await runCli(['relay', 'token', 'create', '--name', name, '--data-dir', dataDir], { env: h.env })).stdout.trim();
  const relay = await relayCli(['--data-dir', dataDir, '--quiet'], h.env);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  // Read beside the running relay (WAL), as `relay name …` does.
  const db = RelayDb.open(dataDir);
  onCleanup(() => db.close());
  const cli = (...args: string[]) => runCli(['relay', ...args, '--data-dir', dataDir], { env: h.env });
  /** A `listen --name` with this token, on the relay started here unless `relayUrl` says another (one started again). */
  const listen = async (token: string, name: string, { args = [] as string[], relayUrl = relay.url } = {}) => {
    const process = await startListen([String(app.port), '--relay', relayUrl, '--name', name, '--no-store', ...args], { ...h.env, HOOKTUNNEL_TOKEN: tokens[token] });
    onCleanup(() => process.stop());
    return process;
  };
  return { h, dataDir, relay, app, db, tokens, cli, listen };
}

describe('relay name give', () => {
  it('hands a revoked token\'s name to the new token with its queue: each queued webhook arrives once, byte for byte', async () => {
    const { h, relay, app, db, tokens, cli, listen } = await relayWithTokens('laptop', 'laptop-2');
    const laptop = await listen('laptop', 'stripe-dev');
    await laptop.stop();
    await waitFor(() => !db.isConnected('stripe-dev'), 'the relay to see the laptop leave');

    // Bytes a lossy path would change: NUL, invalid UTF-8, CRLF.
    const bodies = [Buffer.from([0, 0xff, 0xfe, 13, 10, 0x41]), Buffer.from('{"id":"evt_2","amount":1e2}'), Buffer.from('after the revoke \r\n')];
    for (const body of bodies.slice(0, 2)) expect((await send(`${relay.url}/t/stripe-dev/hook`, { body })).status).toBe(202);

    const revoke = await cli('token', 'revoke', 'laptop');
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toBe(
      'Revoked token "laptop"; a running relay closes its tunnels within seconds.\n' +
        'It leaves stripe-dev (2 queued) reserved: their senders still get 202, and the requests wait for them up to --queue-ttl.\n' +
        'Give each to the new token, queue and all: `hooktunnel relay name give <name> <token>` (its `listen --name` receives them).\n',
    );
    // Still queued after the revoke (docs/self-host.md says why): nothing is lost while the name waits to be given.
    expect((await send(`${relay.url}/t/stripe-dev/hook`, { body: bodies[2] })).status).toBe(202);

    // Without the give, the new token is refused the name.
    const refused = await runCli(['listen', String(app.port), '--relay', relay.url, '--name', 'stripe-dev', '--no-store', '--json'], { env: { ...h.env, HOOKTUNNEL_TOKEN: tokens['laptop-2'] } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('name_reserved');
    // Pointed at give, not at release (which would drop the queue).
    expect(refused.stderr).toContain('`hooktunnel relay name give stripe-dev <token>`, which keeps what is queued for it');

    const give = await cli('name', 'give', 'stripe-dev', 'laptop-2');
    expect(give.code).toBe(0);
    expect(give.stdout).toBe('Gave "stripe-dev" to the token "laptop-2"; the 3 requests queued for it go to its `listen --name stripe-dev`.\n');

    await listen('laptop-2', 'stripe-dev');
    await waitFor(() => app.received.length >= 3 && db.queuedFor('stripe-dev') === 0, 'the queue to be delivered and acknowledged');
    // A live one after it: a duplicate of the queued ones would have been sent before it.
    const live = Buffer.from('live');
    expect((await send(`${relay.url}/t/stripe-dev/hook`, { body: live })).status).toBe(200);
    expect(app.received.map((request) => request.body)).toEqual([...bodies, live]);
  });

  it('refuses an unknown name or token, a name a client is on; --json for its answer and its errors', async () => {
    const { db, cli, listen } = await relayWithTokens('alice', 'bob');
    const alice = await listen('alice', 'shop');

    const refusal = async (code: string, ...args: string[]) => {
      const result = await cli('name', 'give', ...args, '--json');
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      return wordsOfJsonError(result.stderr, code);
    };
    expect(await refusal('name_connected', 'shop', 'bob')).toBe(
      'error: "shop" has a client connected on it now\n' +
        'hint: stop that `listen`, or revoke its token (the relay closes its tunnel within seconds), then give the name\n',
    );
    expect(await refusal('not_reserved', 'nope', 'bob')).toBe('error: "nope" is not a reserved name\nhint: run `hooktunnel relay name list` to see them\n');
    expect(await refusal('no_such_token', 'shop', 'carol')).toContain('error: no token named "carol"\n');
    // Nothing moved by any of them.
    expect(db.listNames().map((row) => [row.name, row.tokenName])).toEqual([['shop', 'alice']]);

    await alice.stop();
    await waitFor(() => !db.isConnected('shop'), 'the relay to see alice leave');
    const revoke = await cli('token', 'revoke', 'alice', '--json');
    expect(jsonLines(revoke.stdout)).toEqual([{ revoked: 'alice', names: [{ name: 'shop', queued: 0 }] }]);
    const give = await cli('name', 'give', 'shop', 'bob', '--json');
    expect(give.code).toBe(0);
    expect(jsonLines(give.stdout)).toEqual([{ name: 'shop', token: 'bob', queued: 0 }]);
    expect(db.listNames().map((row) => [row.name, row.tokenName])).toEqual([['shop', 'bob']]);
  });

  it('gives a name whose relay was killed (kill -9) with a client on it: no relay, no client; the queue goes with the name', async () => {
    const { h, dataDir, relay, app, db, cli, listen } = await relayWithTokens('alice', 'bob');
    // Acknowledge mode: the relay queues each request and answers its sender at once. Frozen, alice's `listen` stays
    // connected and never ACKs what the relay sends it, so the requests stay queued.
    const alice = await listen('alice', 'shop', { args: ['--ack'] });
    const refused = await cli('name', 'give', 'shop', 'bob', '--json');
    expect([refused.code, refused.stdout]).toEqual([1, '']);
    expect(wordsOfJsonError(refused.stderr, 'name_connected')).toContain('error: "shop" has a client connected on it now\n');

    alice.child.kill('SIGSTOP');
    const bodies = [Buffer.from([0, 0xff, 13, 10]), Buffer.from('{"id":"evt_1"}')];
    for (const body of bodies) expect((await send(`${relay.url}/t/shop/hook`, { body })).status).toBe(200);
    relay.child.kill('SIGKILL');
    await relay.exit;
    // Gone with it: the teammate's laptop that will not come back.
    alice.child.kill('SIGKILL');
    await alice.stop();

    // relay.db still records alice's client as connected; no relay holds the data directory, so nobody is.
    const give = await cli('name', 'give', 'shop', 'bob');
    expect([give.code, give.stderr]).toEqual([0, '']);
    expect(give.stdout).toBe('Gave "shop" to the token "bob"; the 2 requests queued for it go to its `listen --name shop`.\n');

    const restarted = await relayCli(['--data-dir', dataDir, '--quiet'], h.env);
    await listen('bob', 'shop', { relayUrl: restarted.url });
    await waitFor(() => app.received.length >= 2 && db.queuedFor('shop') === 0, 'the queue to be delivered to bob and acknowledged');
    expect(app.received.map((request) => request.body)).toEqual(bodies);
  });

  it('gives to a token of --token-file by the label `relay token list` shows', async () => {
    const h = tempHome();
    onCleanup(h.cleanup);
    const dataDir = join(h.dir, 'relay');
    const tokenFile = join(h.dir, 'tokens');
    writeFileSync(tokenFile, '# CI\nci-secret\n');
    const db = RelayDb.open(dataDir);
    onCleanup(() => db.close());
    db.createToken('laptop');
    db.reserveName('shop', db.tokenDigests()[0].digest);

    const give = await runCli(['relay', 'name', 'give', 'shop', `${tokenFile} #1`, '--token-file', tokenFile, '--data-dir', dataDir], { env: h.env });
    expect(give.stderr).toBe('');
    expect(give.stdout).toBe(`Gave "shop" to the token "${tokenFile} #1"; nothing is queued for it.\n`);
    expect(db.nameOwner('shop')).toBe(tokenDigest('ci-secret').toString('hex'));
  });
});
