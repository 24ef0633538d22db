// A delivery sent long after its sender signed it (a queued webhook after the laptop slept, a retry the next day):
// re-signed with the user's secret, so the app's 5-minute check accepts it, while the recording keeps the sender's bytes.

import { describe, expect, it } from 'vitest';
import { headerValue } from '../../src/exchange.js';
import { Store } from '../../src/store/store.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { loopbackRelay, runCli, startListen } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { homeWithApp } from './recorded.js';

const SECRET = 'whsec_late_delivery_test';
const secrets = buildSecrets({ flags: [`stripe=${SECRET}`] });
const HOUR = 60 * 60_000;

/**
 * A Stripe delivery signed when it arrived, `age` ago, that the app could not take then; `queued`: one the relay
 * queued while listen was away, its first attempt due now.
 */
function recordFailedStripe(db: string, target: string, age: number, queued = false): { id: number; signature: string; body: Buffer } {
  const receivedAt = Date.now() - age;
  const request = buildTriggerRequest('stripe', 'invoice.paid', { secrets, nowMs: receivedAt, path: '/stripe' });
  const store = Store.open(db);
  try {
    const start = exchangeStart({ target, receivedAt, path: '/stripe', headers: request.headers, body: request.body, deliveryId: `d-${receivedAt}` });
    const due = { queued: { reason: 'offline' as const, senderStatus: 202, senderBody: Buffer.from('{}'), lateByMs: age }, maxAttempts: 8, nextAttemptAt: Date.now() };
    const recording = store.begin(queued ? { ...start, ...due } : start);
    if (!queued) recording.fail(502, 'local_unreachable', 'connection refused', 2);
    return { id: recording.id, signature: headerValue(request.headers, 'stripe-signature')!, body: request.body };
  } finally {
    store.close();
  }
}

const sentSignature = (rawHeaders: string[]) => rawHeaders[rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'stripe-signature') + 1];

describe('hooktunnel retry of a delivery whose signature has aged past its window', () => {
  it('re-signs it for the app, keeps the recorded request as the sender sent it, and says so', async () => {
    const { db, env, app } = await homeWithApp();
    const original = recordFailedStripe(db, app.url, HOUR);
    const result = await runCli(['retry', String(original.id), '--secret', `stripe=${SECRET}`, '--db', db, '--json'], { env });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ id: original.id, status: 200, resigned: true });

    expect(app.received).toHaveLength(1);
    const [sent] = app.received;
    expect(sent.body.equals(original.body)).toBe(true);
    const signature = sentSignature(sent.rawHeaders);
    expect(signature).not.toBe(original.signature);
    const check = verifyWebhook({ headers: [['Stripe-Signature', signature]], body: sent.body, url: null }, secrets, Date.now(), { path: '/stripe' });
    expect(check).toMatchObject({ result: 'valid' });

    const shown = JSON.parse((await runCli(['show', String(original.id), '--db', db, '--json'], { env })).stdout);
    expect(headerValue(shown.request.headers, 'stripe-signature')).toBe(original.signature);
    expect(shown.attemptHistory.map((a: { resigned: boolean }) => a.resigned)).toEqual([false, true]);
    const text = (await runCli(['show', String(original.id), '--db', db], { env: { ...env, NO_COLOR: '1' } })).stdout;
    expect(text).toMatch(/ 2 .*200 .*re-signed/);
  });

  it('sends the sender\'s signature with --no-resign-late (and HOOKTUNNEL_NO_RESIGN_LATE=1)', async () => {
    const { db, env, app } = await homeWithApp();
    const first = recordFailedStripe(db, app.url, HOUR);
    const second = recordFailedStripe(db, app.url, HOUR);
    await runCli(['retry', String(first.id), '--no-resign-late', '--secret', `stripe=${SECRET}`, '--db', db, '--json'], { env });
    await runCli(['retry', String(second.id), '--secret', `stripe=${SECRET}`, '--db', db, '--json'], { env: { ...env, HOOKTUNNEL_NO_RESIGN_LATE: '1' } });
    expect(app.received.map((r) => sentSignature(r.rawHeaders))).toEqual([first.signature, second.signature]);
  });

  it('leaves a signature still inside its window, and one it cannot re-sign (no secret), as the sender sent it', async () => {
    const { db, env, app } = await homeWithApp();
    const fresh = recordFailedStripe(db, app.url, 60_000);
    const old = recordFailedStripe(db, app.url, HOUR);
    const result = await runCli(['retry', String(fresh.id), '--secret', `stripe=${SECRET}`, '--db', db, '--json'], { env });
    expect(JSON.parse(result.stdout).resigned).toBeUndefined();
    await runCli(['retry', String(old.id), '--db', db, '--json'], { env });
    expect(app.received.map((r) => sentSignature(r.rawHeaders))).toEqual([fresh.signature, old.signature]);
  });
});

describe('hooktunnel listen delivering a queued webhook after its signature aged', () => {
  async function deliverQueued(extra: string[]) {
    const { db, env, app } = await homeWithApp();
    const cleanups: (() => unknown)[] = [];
    onCleanup(() => Promise.all(cleanups.map((fn) => fn())));
    // Recorded for listen's own target: its worker delivers what is due for that target.
    const queued = recordFailedStripe(db, `http://localhost:${app.port}`, HOUR, true);
    const relay = await loopbackRelay(cleanups);
    const listen = await startListen([String(app.port), '--relay', relay, '--db', db, '--no-web', '--secret', `stripe=${SECRET}`, ...extra], env);
    cleanups.push(() => listen.stop());
    const event = await listen.waitForRequest((e) => e.id === queued.id && e.state !== 'pending', 'the queued delivery');
    return { queued, event, sent: sentSignature(app.received[0].rawHeaders) };
  }

  it('re-signs it with the --secret, and the event says so', async () => {
    const { queued, event, sent } = await deliverQueued([]);
    expect(event).toMatchObject({ status: 200, resigned: true });
    expect(sent).not.toBe(queued.signature);
  });

  it('sends it as signed with --no-resign-late', async () => {
    const { queued, event, sent } = await deliverQueued(['--no-resign-late']);
    expect(event.resigned).toBeUndefined();
    expect(sent).toBe(queued.signature);
  });
});
