// Looks at a complete request once: which provider and event it is, and whether its signature holds.

import type { WebhookAnalysis } from '../store/store.js';
import { describeWebhook, detectProvider } from './detect.js';
import type { WebhookInput } from './provider.js';
import type { Secrets } from './secrets.js';
import { verifyWebhook } from './verify.js';

/** Never throws: a hostile body yields nulls and a reason, not an exception. */
export function analyzeWebhook(input: WebhookInput, secrets: Secrets, nowMs: number): WebhookAnalysis {
  // Detected once for both questions (it was the CLI's largest webhook cost under load).
  const detected = detectProvider(input);
  const description = describeWebhook(input, detected);
  const verification = verifyWebhook(input, secrets, nowMs, { detected });
  return {
    provider: verification.provider ?? description.provider,
    eventType: description.eventType,
    eventId: description.eventId,
    eventAt: description.timestamp,
    verification: verification.result,
    reason: verification.reason,
  };
}
