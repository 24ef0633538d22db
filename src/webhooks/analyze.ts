// Looks at a complete request once: which provider and event it is, and whether its signature holds.

import type { WebhookAnalysis } from '../store/store.js';
import { describeWebhook } from './detect.js';
import type { WebhookInput } from './provider.js';
import type { Secrets } from './secrets.js';
import { verifyWebhook } from './verify.js';

/** Never throws: a hostile body yields nulls and a reason, not an exception. */
export function analyzeWebhook(input: WebhookInput, secrets: Secrets, nowMs: number): WebhookAnalysis {
  const description = describeWebhook(input);
  const verification = verifyWebhook(input, secrets, nowMs);
  return {
    provider: verification.provider ?? description.provider,
    eventType: description.eventType,
    eventId: description.eventId,
    eventAt: description.timestamp,
    verification: verification.result,
    reason: verification.reason,
  };
}
