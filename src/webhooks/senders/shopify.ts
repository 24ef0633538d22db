// Simulated Shopify deliveries: compact JSON with Shopify's X-Shopify-* headers, fresh webhook and event ids.

import { randomUUID } from 'node:crypto';
import { appUninstalled } from '../fixtures/shopify/app-uninstalled.js';
import { customersDataRequest, customersRedact, shopRedact } from '../fixtures/shopify/compliance.js';
import { ordersCreate } from '../fixtures/shopify/orders-create.js';
import { productsUpdate } from '../fixtures/shopify/products-update.js';
import { copy, type Sender } from './sender.js';

const SHOP_DOMAIN = 'northern-loom.myshopify.com';
const API_VERSION = '2024-07';

export const shopifySender: Sender = {
  provider: 'shopify',
  eventHeader: (event) => `X-Shopify-Topic: ${event}`,
  events: {
    'orders/create': ordersCreate,
    'products/update': productsUpdate,
    'app/uninstalled': appUninstalled,
    // The mandatory compliance topics every public app must answer.
    'customers/data_request': customersDataRequest,
    'customers/redact': customersRedact,
    'shop/redact': shopRedact,
  },

  build(event, fixture, nowMs) {
    const payload = copy(fixture);
    const now = new Date(nowMs).toISOString();
    // Resources carry their own updated_at; the compliance payloads have none, and get none.
    if ('updated_at' in payload) payload.updated_at = now;
    return {
      headers: [
        ['Content-Type', 'application/json'],
        ['User-Agent', 'Shopify-Captain-Hook'],
        ['X-Shopify-Topic', event],
        ['X-Shopify-Hmac-Sha256', ''],
        ['X-Shopify-Shop-Domain', SHOP_DOMAIN],
        ['X-Shopify-API-Version', API_VERSION],
        ['X-Shopify-Webhook-Id', randomUUID()],
        ['X-Shopify-Triggered-At', now],
        ['X-Shopify-Event-Id', randomUUID()],
      ],
      body: Buffer.from(JSON.stringify(payload)),
      signatureHeaders: ['X-Shopify-Hmac-Sha256'],
    };
  },
};
