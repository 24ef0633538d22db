// Simulated Stripe deliveries: pretty-printed JSON events with Stripe's headers and fresh evt_ ids.

import { chargeRefunded } from '../fixtures/stripe/charge-refunded.js';
import { checkoutSessionCompleted } from '../fixtures/stripe/checkout-session-completed.js';
import { customerSubscriptionCreated } from '../fixtures/stripe/customer-subscription-created.js';
import { invoicePaid } from '../fixtures/stripe/invoice-paid.js';
import { paymentIntentPaymentFailed } from '../fixtures/stripe/payment-intent-payment-failed.js';
import { paymentIntentSucceeded } from '../fixtures/stripe/payment-intent-succeeded.js';
import { copy, randomId, type Sender } from './sender.js';

export const stripeSender: Sender = {
  provider: 'stripe',
  events: {
    'payment_intent.succeeded': paymentIntentSucceeded,
    'payment_intent.payment_failed': paymentIntentPaymentFailed,
    'checkout.session.completed': checkoutSessionCompleted,
    'customer.subscription.created': customerSubscriptionCreated,
    'invoice.paid': invoicePaid,
    'charge.refunded': chargeRefunded,
  },

  build(_event, fixture, nowMs) {
    const event = copy(fixture);
    event.id = randomId('evt_', 24);
    event.created = Math.floor(nowMs / 1000);
    const request = event.request as { id: string | null };
    if (request.id !== null) request.id = randomId('req_', 14);
    return {
      // The header set and order Stripe's webhook deliveries use.
      headers: [
        ['Content-Type', 'application/json; charset=utf-8'],
        ['Cache-Control', 'no-cache'],
        ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
        ['Accept', '*/*; q=0.5, application/xml'],
        ['Stripe-Signature', ''],
      ],
      // Stripe sends events pretty-printed with two-space indentation.
      body: Buffer.from(JSON.stringify(event, null, 2)),
      signatureHeaders: ['Stripe-Signature'],
    };
  },
};
