// `hooktunnel replay` of a Stripe event signed more than 5 minutes ago sends the recorded signature, as documented, and
// the app's constructEvent refuses it. Coming from `stripe events resend`, which always delivers a fresh signature,
// one needs to be told that `--resign` exists: a hint says so.

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp } from '../helpers/http.js';
import { exchangeStart } from '../helpers/exchange-start.js';

const SECRET = 'whsec_replay_stale_hint';

/** An app that checks deliveries as the Stripe docs show: constructEvent with the default 300 s tolerance. */
async function stripeApp() {
  const app = await startLocalApp((req, res, body) => {
    try {
      Stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), SECRET);
      res.writeHead(200).end('ok');
    } catch (error) {
      res.writeHead(400).end(`Webhook Error: ${(error as Error).message}`);
    }
  });
  onCleanup(() => app.close());
  return app;
}

/** A Stripe delivery that arrived, validly signed, `ageMs` ago; its id. */
function recordStripeDelivery(db: string, target: string, ageMs: number): number {
  const receivedAt = Date.now() - ageMs;
  const body = Buffer.from(JSON.stringify({ id: `evt_${receivedAt}`, object: 'event', type: 'payment_intent.succeeded', data: { object: {} } }));
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body.toString(), secret: SECRET, timestamp: Math.floor(receivedAt / 1000) });
  const store = Store.open(db);
  try {
    const headers: [string, string][] = [['Content-Type', 'application/json'], ['Stripe-Signature', signature]];
    const recording = store.begin(exchangeStart({ target, receivedAt, path: '/webhooks/stripe', headers, body }));
    recording.complete(3);
    return recording.id;
  } finally {
    store.close();
  }
}

describe('replay of a delivery whose signature the window has left behind', () => {
  it('says that --resign signs it afresh, and --resign is accepted by constructEvent', async () => {
    const h = tempHome();
    onCleanup(h.cleanup);
    const app = await stripeApp();
    const id = recordStripeDelivery(h.db, app.url, 10 * 60_000);
    const env = { ...h.env, HOOKTUNNEL_SECRET_STRIPE: SECRET };

    const exact = await runCli(['replay', String(id), '--db', h.db], { env });
    expect(exact.code).toBe(0);
    expect(exact.stdout).toContain(' 400 ');
    expect(exact.stderr).toMatch(new RegExp(`^hint: #${id}'s signature is outside the provider's window now \\(timestamp \\d+ s old, outside the 300 s tolerance\\)`));
    expect(exact.stderr).toContain(`\`hooktunnel replay ${id} --resign\` signs it afresh`);

    const resigned = await runCli(['replay', String(id), '--resign', '--db', h.db], { env });
    expect(resigned.stdout).toContain(' 200 ');
    expect(resigned.stderr).toBe('');
  });

  it('says nothing for a signature still inside the window, nor with --json', async () => {
    const h = tempHome();
    onCleanup(h.cleanup);
    const app = await stripeApp();
    const fresh = recordStripeDelivery(h.db, app.url, 60_000);
    const old = recordStripeDelivery(h.db, app.url, 10 * 60_000);
    const env = { ...h.env, HOOKTUNNEL_SECRET_STRIPE: SECRET };

    const inside = await runCli(['replay', String(fresh), '--db', h.db], { env });
    expect(inside.stdout).toContain(' 200 ');
    expect(inside.stderr).toBe('');
    const json = await runCli(['replay', String(old), '--db', h.db, '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 400, webhook: { verification: 'invalid' } });
    expect(json.stderr).toBe('');
  });
});
