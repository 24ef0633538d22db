import type { ExchangeStart } from '../../src/store/recording.js';

/** A request as Store.begin() takes it: `POST /hook` arrived through a relay, with the fields a test cares about set. */
export const exchangeStart = (overrides: Partial<ExchangeStart> = {}): ExchangeStart => ({
  deliveryId: null,
  replayOf: null,
  url: 'http://relay/t/x/hook',
  target: 'http://localhost:3000',
  receivedAt: Date.now(),
  method: 'POST',
  path: '/hook',
  headers: [],
  ...overrides,
});
