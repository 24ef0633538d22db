// A recorded exchange with sensible defaults, for the export tests.

import type { Exchange } from '../../src/exchange.js';

export function exchange(overrides: Partial<Exchange> = {}): Exchange {
  return {
    id: 7,
    replayOf: null,
    deliveryId: 'dlv_01J4',
    url: 'https://quiet-fox.hooktunnel.example/webhooks/stripe',
    target: 'http://localhost:3000',
    receivedAt: Date.UTC(2024, 7, 5, 14, 30, 0, 123),
    method: 'POST',
    path: '/webhooks/stripe',
    requestSize: 0,
    status: 200,
    responseSize: 0,
    durationMs: 42,
    state: 'complete',
    errorCode: null,
    errorMessage: null,
    requestHeaders: [
      ['Host', 'quiet-fox.hooktunnel.example'],
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Content-Length', '17'],
      ['Stripe-Signature', 't=1722860000,v1=abc'],
    ],
    requestBody: Buffer.from('{"id":"evt_1","n":1}'),
    requestSha256: null,
    responseHeaders: [['Content-Type', 'application/json'], ['Content-Length', '11']],
    responseBody: Buffer.from('{"ok":true}'),
    responseSha256: null,
    ...overrides,
  };
}

/** Every byte value once, the hardest body there is for a shell. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
