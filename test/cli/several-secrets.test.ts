// Two secrets for one provider (`--secret stripe=A --secret stripe=B`: the dashboard's endpoint and `stripe listen`
// forwarding to one tunnel, or an old and a new secret while rotating): a delivery signed with either is valid, and a
// replay is re-signed with the one its sender used, so the app that checks with that secret accepts it.

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
});
