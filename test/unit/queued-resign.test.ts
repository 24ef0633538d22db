// A queued delivery delivered at once from memory (listen --no-store, or a store that cannot keep it) gets the same
// fresh signature as one the delivery worker sends, when its sender's has aged past the provider's window.

import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/exchange.js';
import { headerValue } from '../../src/exchange.js';
import { acceptQueued } from '../../src/delivery/queued-delivery.js';
import { DeliveriesInHand } from '../../src/delivery/in-hand.js';
import { Forwarder } from '../../src/forward/forwarder.js';
import { parseTarget } from '../../src/forward/target.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp } from '../helpers/http.js';

const secrets = buildSecrets({ flags: ['stripe=whsec_queued_from_memory'] });

async function deliverWithoutStore(ageMs: number, resign: boolean) {
  const app = await startLocalApp();
  onCleanup(() => app.close());
  const forwarder = new Forwarder(parseTarget(String(app.port)), { timeoutMs: 5_000, hostHeader: 'rewrite' });
  onCleanup(() => forwarder.close());
  const receivedAt = Date.now() - ageMs;
  const request = buildTriggerRequest('stripe', 'invoice.paid', { secrets, nowMs: receivedAt, path: '/stripe' });
  const delivered = new Promise<ExchangeSummary>((onExchange) =>
    void acceptQueued(
      {
        method: 'POST',
        path: '/stripe',
        headers: request.headers,
        deliveryId: 'd-1',
        receivedAt,
        url: 'http://relay.test/t/x/stripe',
        queued: { reason: 'offline', status: 202, body: '{}', lateByMs: ageMs },
      },
      request.body,
      { store: null, worker: undefined, forwarder, maxAttempts: 8, secrets, resignSecrets: resign ? secrets : undefined, inHand: new DeliveriesInHand(), ack: () => {}, onStoreError: () => {}, onExchange },
    ),
  );
  const exchange = await delivered;
  const [sent] = app.received;
  const signature = sent.rawHeaders[sent.rawHeaders.findIndex((h) => h.toLowerCase() === 'stripe-signature') + 1];
  return { exchange, signature, body: sent.body, original: headerValue(request.headers, 'stripe-signature') };
}

describe('a queued delivery sent from memory', () => {
  it('is re-signed when its signature aged past the window', async () => {
    const { exchange, signature, body, original } = await deliverWithoutStore(60 * 60_000, true);
    expect(exchange.resigned).toBe(true);
    expect(signature).not.toBe(original);
    expect(verifyWebhook({ headers: [['Stripe-Signature', signature]], body, url: null }, secrets, Date.now(), { path: '/stripe' }).result).toBe('valid');
  });

  it('goes as signed when re-signing is off, or the signature is still fresh', async () => {
    for (const [age, resign] of [[60 * 60_000, false], [10_000, true]] as const) {
      const { exchange, signature, original } = await deliverWithoutStore(age, resign);
      expect(exchange.resigned).toBeUndefined();
      expect(signature).toBe(original);
    }
  });
});
