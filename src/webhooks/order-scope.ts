// What "out of order" compares a delivery with. The mark says an event the provider sent later arrived first, which
// matters to an app only within one stream of events: one Stripe object, one Shopify shop's order. Across a provider's
// whole traffic (many shops, many topics on one tunnel) unrelated events interleave all the time and the mark is noise.

import type { WebhookDescription } from './provider.js';

/**
 * The stream a delivery's event time is compared within (with its provider): the same source (shop, workspace,
 * connected account) and the same object where the payload names one, else the same event type. Stored as it is
 * returned, and compared for equality only.
 */
export function orderScope(description: Pick<WebhookDescription, 'eventType' | 'source' | 'resource'>): string {
  const { source = null, resource = null, eventType } = description;
  return JSON.stringify(resource !== null ? [source, 'object', resource] : [source, 'type', eventType]);
}
