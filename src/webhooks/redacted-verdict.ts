// A recording stored redacted (listen --redact, or an archive written by export --redact and imported) is not the bytes
// that were signed: a signature check that fails on it says nothing about the secret or the delivery. verify and
// import judge it alike.

import { appliedRules } from '../redact/redact.js';
import type { WebhookAnalysis } from '../store/store.js';

/**
 * `analysis` of a stored-redacted original, an invalid verdict made unchecked with the reason; any other analysis as it
 * is. A replay stores what it sent, redacted or not, so its check stands.
 */
export function asStoredRedacted(analysis: WebhookAnalysis, redacted: readonly string[] | undefined, isReplay: boolean): WebhookAnalysis {
  const rules = isReplay ? [] : appliedRules(redacted);
  if (rules.length === 0 || analysis.verification !== 'invalid') return analysis;
  const reason = `stored redacted (${rules.join(', ')}): the signed bytes are not all kept`;
  return { ...analysis, verification: 'unchecked', reason, problem: undefined };
}
