// Two secrets for one provider (`--secret stripe=A --secret stripe=B`: the dashboard's endpoint and `stripe listen`
// forwarding to one tunnel, or an old and a new secret while rotating): a delivery signed with either is valid, and a
// replay is re-signed with the one its sender used, so the app that checks with that secret accepts it.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { loopbackRelay, runCli, startListen, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { send, startLocalApp } from '../helpers/http.js';

const DASHBOARD = 'whsec_dashboard_endpoint_secret';
const CLI_FORWARDING = 'whsec_stripe_listen_secret';
const secretFlags = ['--secret', `stripe=${DASHBOARD}`, '--secret', `stripe=${CLI_FORWARDING}`];

/** Listen through a real relay to an app that checks with Stripe's own SDK and only the second secret. */
async function listenWithTwoSecrets() {
  const cleanups: (() => unknown)[] = [];
  onCleanup(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const relayUrl = await loopbackRelay(cleanups);
  const app = await startLocalApp((req, res, body) => {
    try {
      Stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), CLI_FORWARDING, 300);
      res.writeHead(200).end('ok');
    } catch (error) {
      res.writeHead(400).end((error as Error).message);
    }
  });
  cleanups.push(() => app.close());
  const home = tempHome();
  cleanups.push(home.cleanup);
  const env = { ...home.env, HOOKTUNNEL_DB: home.db };
  const listen = await startListen([String(app.port), '--relay', relayUrl, ...secretFlags], env);
  cleanups.push(() => listen.stop());
  return { listen, env };
}

async function sendSigned(listenUrl: string, path: string, secret: string, signedAtSec: number) {
  const body = JSON.stringify({ id: `evt_${path.slice(1)}`, object: 'event', type: 'invoice.paid', created: signedAtSec });
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: signedAtSec });
  await send(`${listenUrl}${path}`, { headers: ['Content-Type', 'application/json', 'Stripe-Signature', header], body });
}

describe('several secrets for one provider', () => {
  it('shows a delivery signed with either secret as valid, and says how old a stale one is', async () => {
    const { listen } = await listenWithTwoSecrets();
    const now = Math.floor(Date.now() / 1000);
    await sendSigned(listen.url, '/first', DASHBOARD, now);
    await sendSigned(listen.url, '/second', CLI_FORWARDING, now);
    await sendSigned(listen.url, '/stale', CLI_FORWARDING, now - 400);
    const verdict = async (path: string) => (await listen.waitForRequest((e) => e.path === path, `the exchange for ${path}`)).webhook;
    expect(await verdict('/first')).toMatchObject({ provider: 'stripe', verification: 'valid' });
    expect(await verdict('/second')).toMatchObject({ provider: 'stripe', verification: 'valid' });
    expect(await verdict('/stale')).toMatchObject({ verification: 'invalid', reason: expect.stringMatching(/^timestamp 40\d s old/) });
  });

  it('re-signs a replay with the secret its sender used, which the app checking with that secret accepts', async () => {
    const { listen, env } = await listenWithTwoSecrets();
    await sendSigned(listen.url, '/late', CLI_FORWARDING, Math.floor(Date.now() / 1000) - 400);
    const late = await listen.waitForRequest((e) => e.path === '/late', 'the stale delivery');
    expect(late).toMatchObject({ status: 400 });
    const replay = await runCli(['replay', String(late.id), '--resign', '--json', ...secretFlags], { env });
    expect(replay.stderr).toBe('');
    expect(JSON.parse(replay.stdout)).toMatchObject({ status: 200, replayOf: late.id, webhook: { verification: 'valid' } });
  });

  it('re-signs a replay of a Svix delivery signed during a rotation with both secrets, so an app on the new one accepts it', async () => {
    const [oldSecret, newSecret] = ['whsec_dGhpcyBpcyB0aGUgb2xkIGtleSBiZWZvcmUgcm90YXRpb24=', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'];
    const cleanups: (() => unknown)[] = [];
    onCleanup(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
    const relayUrl = await loopbackRelay(cleanups);
    // The app has moved to the new secret, as Clerk's dashboard tells you to during a rotation.
    const app = await startLocalApp((req, res, body) => {
      try {
        new Webhook(newSecret).verify(body, { 'webhook-id': String(req.headers['svix-id']), 'webhook-timestamp': String(req.headers['svix-timestamp']), 'webhook-signature': String(req.headers['svix-signature']) });
        res.writeHead(200).end('ok');
      } catch (error) {
        res.writeHead(400).end((error as Error).message);
      }
    });
    cleanups.push(() => app.close());
    const home = tempHome();
    cleanups.push(home.cleanup);
    // The old secret first, as a config listing them in the order they were issued has it.
    mkdirSync(join(home.env.XDG_CONFIG_HOME, 'hooktunnel'), { recursive: true });
    writeFileSync(join(home.env.XDG_CONFIG_HOME, 'hooktunnel', 'config.json'), JSON.stringify({ secrets: { svix: [oldSecret, newSecret] } }));
    const env = { ...home.env, HOOKTUNNEL_DB: home.db };
    const listen = await startListen([String(app.port), '--relay', relayUrl], env);
    cleanups.push(() => listen.stop());

    // Svix during the rotation: one signature per secret, signed 400 s ago (a delivery the app refuses as too old).
    const [id, body] = ['msg_2Lh9KsMzV1rotation', '{"type":"user.updated","timestamp":1796684884000,"data":{"id":"user_1"}}'];
    const signedAt = new Date(Date.now() - 400_000);
    const signature = [oldSecret, newSecret].map((secret) => new Webhook(secret).sign(id, signedAt, body)).join(' ');
    const timestamp = String(Math.floor(signedAt.getTime() / 1000));
    await send(`${listen.url}/clerk`, { headers: ['Content-Type', 'application/json', 'svix-id', id, 'svix-timestamp', timestamp, 'svix-signature', signature], body });
    const late = await listen.waitForRequest((e) => e.path === '/clerk', 'the stale delivery');
    expect(late).toMatchObject({ status: 400, webhook: { provider: 'standard', problem: 'too_old' } });

    const replay = await runCli(['replay', id, '--resign', '--json'], { env });
    expect(replay.stderr).toBe('');
    expect(JSON.parse(replay.stdout)).toMatchObject({ status: 200, replayOf: late.id, webhook: { verification: 'valid' } });
  });

  it('takes the old and the new secret from one HOOKTUNNEL_SECRET_SVIX, space-separated, as a CI job gives them', async () => {
    const [oldSecret, newSecret] = ['whsec_dGhpcyBpcyB0aGUgb2xkIGtleSBiZWZvcmUgcm90YXRpb24=', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'];
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const home = tempHome();
    onCleanup(home.cleanup);
    const env = { ...home.env, HOOKTUNNEL_DB: home.db };
    const ids: number[] = [];
    for (const secret of [oldSecret, newSecret]) {
      const sent = await runCli(['trigger', 'svix', 'user.created', '--to', String(app.port), '--secret', `svix=${secret}`, '--json'], { env });
      expect(sent.code).toBe(0);
      ids.push(JSON.parse(sent.stdout).id);
    }
    const verify = await runCli(['verify', ...ids.map(String), '--json'], { env: { ...env, HOOKTUNNEL_SECRET_SVIX: `${newSecret} ${oldSecret}` } });
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    expect(verify.stdout.trim().split('\n').map((line) => JSON.parse(line).verification)).toEqual(['valid', 'valid']);
  });
});
