// Whose event a delivery is, in the provider's words, for the detail views: a Stripe Connect platform hears every
// connected account's events on one endpoint, and which account an event is for is in the body alone.

import { describeWebhook } from './detect.js';
import type { WebhookInput } from './provider.js';

/** What each provider calls the source describe() names (order-scope.ts compares within it). */
const LABELS: Record<string, string> = { stripe: 'account', shopify: 'shop', slack: 'workspace' };

/** `{ label: 'account', value: 'acct_…' }`, or null when the delivery names no source (a platform's own Stripe event). */
export function webhookSource(input: WebhookInput): { label: string; value: string } | null {
  const { provider, source } = describeWebhook(input);
  if (!provider || !source || !Object.hasOwn(LABELS, provider)) return null;
  return { label: LABELS[provider], value: source };
}
