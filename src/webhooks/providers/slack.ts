// Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">` with `X-Slack-Request-Timestamp`.
// https://api.slack.com/authentication/verifying-requests-from-slack

import { headerValue } from '../../exchange.js';
import { setHeader } from '../../http-headers.js';
import { asObject, isFormEncoded, parseForm, parseJsonObject, stringField } from '../body.js';
import { DEFAULT_TOLERANCE_SEC, type Provider, type WebhookDescription, type WebhookInput } from '../provider.js';
import {
  MISMATCH,
  ageVerdict,
  hmac,
  invalid,
  malformedHeader,
  missingHeader,
  parseUnixSeconds,
  safeEqual,
  secondsHeaderToMs,
} from '../signing.js';

const SIGNATURE = 'X-Slack-Signature';
const TIMESTAMP = 'X-Slack-Request-Timestamp';
const RETRY_NUM = 'X-Slack-Retry-Num';
const RETRY_REASON = 'X-Slack-Retry-Reason';
// Slack sends a short number and a word (http_timeout); a sender's longer value is cut, not stored whole in every row.
const RETRY_PART_MAX = 40;

function signature(secret: string, timestamp: number, body: Buffer): string {
  return `v0=${hmac('sha256', secret, [`v0:${timestamp}:`, body], 'hex')}`;
}

// Events API posts JSON; slash commands post a form with `command`; interactivity posts a form with `payload` JSON.
// The workspace (`team_id`) is the source: one app hears every workspace that installed it.
function label(input: WebhookInput): Omit<WebhookDescription, 'timestamp'> {
  if (!isFormEncoded(input.headers)) {
    const body = parseJsonObject(input.body);
    const event = asObject(body?.event);
    return {
      eventType: stringField(event, 'type') ?? stringField(body, 'type'),
      eventId: stringField(body, 'event_id'),
      source: stringField(body, 'team_id'),
    };
  }
  const form = parseForm(input.body);
  const interaction = parseJsonObject(Buffer.from(form.get('payload') ?? ''));
  return {
    eventType: form.get('command') ?? stringField(interaction, 'type'),
    eventId: form.get('trigger_id') ?? stringField(interaction, 'trigger_id'),
    source: form.get('team_id') ?? stringField(asObject(interaction?.team), 'id'),
  };
}

/** `retry 1: http_timeout` for an Events API retry (Slack says which and why in headers); null for a first delivery. */
function retry(input: WebhookInput): string | null {
  const num = headerValue(input.headers, RETRY_NUM)?.trim().slice(0, RETRY_PART_MAX);
  if (!num) return null;
  const reason = headerValue(input.headers, RETRY_REASON)?.trim().slice(0, RETRY_PART_MAX);
  return reason ? `retry ${num}: ${reason}` : `retry ${num}`;
}

/** Slack apps: Events API, slash commands and interactivity (the app's signing secret). */
export const slack: Provider = {
  name: 'slack',
  signedHeaders: [SIGNATURE, TIMESTAMP],

  detect: (input) =>
    headerValue(input.headers, SIGNATURE) !== undefined || headerValue(input.headers, TIMESTAMP) !== undefined,

  describe: (input) => ({ ...label(input), timestamp: secondsHeaderToMs(headerValue(input.headers, TIMESTAMP)), retry: retry(input) }),

  verify(input, secret, nowMs, toleranceSec = DEFAULT_TOLERANCE_SEC) {
    const value = headerValue(input.headers, SIGNATURE)?.trim();
    if (value === undefined) return missingHeader('slack', SIGNATURE);
    const timestampValue = headerValue(input.headers, TIMESTAMP);
    if (timestampValue === undefined) return missingHeader('slack', TIMESTAMP);
    const timestamp = parseUnixSeconds(timestampValue);
    if (timestamp === null) return malformedHeader('slack', TIMESTAMP, '<unix seconds>');
    if (!value.startsWith('v0=')) return malformedHeader('slack', SIGNATURE, 'v0=<hex signature>');
    if (!safeEqual(signature(secret, timestamp, input.body), value)) return invalid('slack', MISMATCH);
    return ageVerdict('slack', timestamp, nowMs, toleranceSec);
  },

  sign(input, secret, nowMs) {
    const timestamp = Math.floor(nowMs / 1000);
    const headers = setHeader(input.headers, TIMESTAMP, String(timestamp));
    return setHeader(headers, SIGNATURE, signature(secret, timestamp, input.body));
  },
};
