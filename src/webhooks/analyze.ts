// Looks at a complete request once: which provider and event it is, and whether its signature holds.

import type { WebhookAnalysis } from '../store/store.js';
import { describeWebhook, detectProvider } from './detect.js';
import { orderScope } from './order-scope.js';
import type { WebhookInput } from './provider.js';
import type { Secrets } from './secrets.js';
import { verifyWebhook } from './verify.js';

/**
 * Never throws: a hostile body yields nulls and a reason, not an exception. `path` is the exchange's path (what a
 * per-path secret, `--secret stripe:/hooks/*=…`, names): the public URL's own path starts with the relay's `/t/<id>`,
 * and a target's base path is not the sender's, so neither would ever match; the path of `input.url` without it.
 */
export function analyzeWebhook(input: WebhookInput, secrets: Secrets, nowMs: number, path?: string): WebhookAnalysis {
  // Detected once for both questions (it was the CLI's largest webhook cost under load).
  const detected = detectProvider(input);
  const description = describeWebhook(input, detected);
  const verification = verifyWebhook(input, secrets, nowMs, { detected, path });
  return {
    provider: verification.provider ?? description.provider,
    eventType: description.eventType,
    eventId: description.eventId,
    eventAt: description.timestamp,
    // Only an event time is compared: without one there is no order to keep.
    orderScope: description.timestamp === null ? null : orderScope(description),
    verification: verification.result,
    reason: verification.reason,
    ...(verification.problem ? { problem: verification.problem } : {}),
    ...(description.retry ? { retry: description.retry } : {}),
  };
}
