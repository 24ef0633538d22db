// `trigger --to <the tunnel's public URL>` (a CI job checking its tunnel end to end) is recorded twice: by trigger, the
// sending side (no URL: it called the tunnel, no sender called a URL of ours), and by the listen it reached. That is one
// delivery seen from both ends. The duplicate mark took them for two deliveries of one event: listen's live event said
// duplicateOf null and a later `verify` of the same row said the trigger's row, so the two disagreed.

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { paymentIntentSucceeded } from '../../src/webhooks/fixtures/stripe/payment-intent-succeeded.js';
import { runCli } from '../helpers/cli.js';
import { send, startLocalApp } from '../helpers/http.js';
import { home, listen, onCleanup, startRelay } from '../nothing-lost/helpers.js';

const SECRET = 'whsec_ci_tunnel';

async function tunnel() {
  const h = home();
  const env = { ...h.env, HOOKTUNNEL_DB: h.db, HOOKTUNNEL_SECRET_STRIPE: SECRET };
  const relay = await startRelay(h.relayDir, h.env);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  const cli = await listen([String(app.port), '--relay', relay.url, '--no-web'], env);
  return { env, app, cli };
}

interface Marks {
  duplicateOf: number | null;
  outOfOrder: boolean;
}

describe('trigger through the tunnel', () => {
  it('is one delivery seen from both ends: neither row a duplicate of the other, live and in a later verify alike', async () => {
    const { env, cli } = await tunnel();
    const sent = await runCli(['trigger', 'stripe', 'payment_intent.succeeded', '--to', cli.url, '--path', '/hook', '--json'], { env });
    expect([sent.code, sent.stderr]).toEqual([0, '']);
    const triggerRow = JSON.parse(sent.stdout) as { id: number; url: string | null; webhook: Marks & { eventId: string } };
    expect(triggerRow.url).toBeNull();
    const eventId = triggerRow.webhook.eventId;
    const received = await cli.waitForRequest((e) => e.path === '/hook', 'the listen to record it');
    expect(received.id).not.toBe(triggerRow.id);
    expect(received.webhook).toMatchObject({ eventId, verification: 'valid', duplicateOf: null });
    expect(triggerRow.webhook.duplicateOf).toBeNull();

    // Judged again now that both rows are stored: the same verdicts as when each was recorded.
    const verified = await runCli(['verify', String(triggerRow.id), String(received.id), '--json'], { env });
    expect([verified.code, verified.stderr]).toEqual([0, '']);
    expect(verified.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Marks & { id: number })).toEqual([
      expect.objectContaining({ id: triggerRow.id, duplicateOf: null, outOfOrder: false }),
      expect.objectContaining({ id: received.id, duplicateOf: null, outOfOrder: false }),
    ]);

    // The event id names what came through the tunnel (a replay of trigger's row would go through it again), and the
    // note does not call trigger's row a delivery again.
    const shown = await runCli(['show', eventId, '--json'], { env });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: received.id });
    expect(shown.stderr).toBe(
      `note: event id "${eventId}" was recorded 2 times; using #${received.id}, the sender's first delivery; the others: #${triggerRow.id} (not through a tunnel: trigger or import)\n`,
    );

    // A provider's real redelivery through the tunnel is still a duplicate of the first that came through it.
    const body = (await runCli(['show', String(received.id), '--raw'], { env })).stdoutBytes;
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body.toString(), secret: SECRET });
    await send(`${cli.url}/hook-again`, { headers: ['Content-Type', 'application/json', 'Stripe-Signature', header], body });
    const redelivered = await cli.waitForRequest((e) => e.path === '/hook-again', 'the redelivery');
    expect(redelivered.webhook).toMatchObject({ eventId, duplicateOf: received.id });
  });

  it('is not out of order against a sample trigger sent to the app itself, which no provider sent', async () => {
    const { env, app, cli } = await tunnel();
    // A sample of this payment intent, sent straight to the app (not through the tunnel) just now.
    const sample = await runCli(['trigger', 'stripe', 'payment_intent.succeeded', '--to', String(app.port), '--json'], { env });
    expect([sample.code, sample.stderr]).toEqual([0, '']);
    // Then Stripe delivers an event of the same payment intent it created an hour ago (a late retry, re-signed now).
    const intent = paymentIntentSucceeded.data.object.id;
    const created = Math.floor(Date.now() / 1000) - 3600;
    const body = JSON.stringify({ id: 'evt_late', object: 'event', type: 'payment_intent.succeeded', created, data: { object: { id: intent, object: 'payment_intent' } } });
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
    await send(`${cli.url}/late`, { headers: ['Content-Type', 'application/json', 'Stripe-Signature', header], body });
    const late = await cli.waitForRequest((e) => e.path === '/late', 'the late delivery');
    expect(late.webhook).toMatchObject({ eventId: 'evt_late', verification: 'valid', outOfOrder: false });
    const verified = await runCli(['verify', String(late.id), '--json'], { env });
    expect(JSON.parse(verified.stdout)).toMatchObject({ id: late.id, outOfOrder: false });
  });
});
