// Which provider sent a webhook, and what it says about itself, from headers (and the body for event names).

import type { BuiltInProviderName, Provider, ProviderName, WebhookDescription, WebhookInput } from './provider.js';
import { github } from './providers/github.js';
import { shopify } from './providers/shopify.js';
import { slack } from './providers/slack.js';
import { standardWebhooks } from './providers/standard-webhooks.js';
import { stripe } from './providers/stripe.js';
import { twilio } from './providers/twilio.js';

/**
 * The built-in providers in detection order. Each is recognised by headers only it sends, so the order matters only
 * for deliberately mixed requests. The generic `hmac` provider needs a spec and is created per `--verify` instead.
 */
export const PROVIDERS: readonly Provider[] = [stripe, github, shopify, slack, twilio, standardWebhooks];

const BY_NAME: Record<BuiltInProviderName, Provider> = {
  stripe,
  github,
  shopify,
  slack,
  twilio,
  standard: standardWebhooks,
};

/** The built-in provider with this name. */
export function providerByName(name: BuiltInProviderName): Provider {
  return BY_NAME[name];
}

/** The built-in provider whose headers this request carries, or null. */
export function detectProvider(input: WebhookInput): Provider | null {
  return PROVIDERS.find((provider) => provider.detect(input)) ?? null;
}

/** A delivery's provider, event type, event id and provider timestamp (epoch ms); nulls for whatever is unknown. */
export function describeWebhook(input: WebhookInput, provider = detectProvider(input)): WebhookDescription & { provider: ProviderName | null } {
  if (!provider) return { provider: null, eventType: null, eventId: null, timestamp: null };
  return { provider: provider.name, ...provider.describe(input) };
}
