// What the detail views say beside an event that only its body says: whose event it is (a Stripe Connect platform
// hears every connected account's events on one endpoint) and in which mode (a Stripe live-mode event reaching a
// development tunnel means a live endpoint or secret points at a laptop), with the API version it is shaped by.

import { describeWebhook } from './detect.js';
import type { WebhookInput } from './provider.js';

/** One fact: `account acct_…`, `live mode` (no value), `api 2024-06-20`. `notice`: worth a warning colour. */
export interface EventContextItem {
  label: string;
  value: string | null;
  notice?: boolean;
}

/** What each provider calls the source describe() names (order-scope.ts compares within it). */
const SOURCE_LABELS: Record<string, string> = { stripe: 'account', shopify: 'shop', slack: 'workspace' };

/** The facts in the order shown; empty when the delivery says none (a platform's own test-mode event, say). */
export function eventContext(input: WebhookInput): EventContextItem[] {
  const { provider, source, live, apiVersion } = describeWebhook(input);
  if (!provider) return [];
  const items: EventContextItem[] = [];
  if (source && Object.hasOwn(SOURCE_LABELS, provider)) items.push({ label: SOURCE_LABELS[provider], value: source });
  // Only live mode is said: test mode is what a development tunnel expects.
  if (live === true) items.push({ label: 'live mode', value: null, notice: true });
  if (apiVersion) items.push({ label: 'api', value: apiVersion });
  return items;
}

/** `label value` or `label`, the value as given (callers escape it for their medium). */
export function eventContextText(item: EventContextItem, escape: (text: string) => string = (text) => text): string {
  return item.value === null ? item.label : `${item.label} ${escape(item.value)}`;
}
