// Delivery ids: unique across relay restarts (a random prefix per process) and cheap per request (a counter).
// A CLI dedupes redeliveries by this id, so a repeat across restarts would drop a real webhook: 96 random bits.

import { randomBytes } from 'node:crypto';

/** Returns a function that makes a new delivery id each call. */
export function deliveryIdSource(): () => string {
  const prefix = randomBytes(12).toString('base64url');
  let counter = 0;
  return () => `${prefix}.${(counter++).toString(36)}`;
}
