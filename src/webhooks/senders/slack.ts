// Simulated Slack requests: the Events API's JSON (its URL check, an app mention) and an interactivity form, with
// Slackbot's User-Agent and fresh ids, challenge and timestamps; signing sets X-Slack-Request-Timestamp and -Signature.

import { randomBytes } from 'node:crypto';
import { appMention, blockActions, urlVerification } from '../fixtures/slack/events.js';
import { copy, randomId, type Fixture, type Sender } from './sender.js';

/** Slack's message timestamps: seconds and microseconds, `1723129200.000200`. */
const slackTs = (nowMs: number) => `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000).padStart(6, '0')}`;

/** A trigger_id in Slack's shape: `13345224609.738474920.8088930838d88f008e0`. */
const triggerId = () => `${randomDigits(11)}.${randomDigits(9)}.${randomBytes(11).toString('hex').slice(0, 21)}`;
const randomDigits = (count: number) => [...randomBytes(count)].map((byte) => byte % 10).join('');

function fresh(event: string, payload: Fixture, nowMs: number): void {
  if (event === 'url_verification') payload.challenge = randomBytes(36).toString('base64url');
  if (event === 'app_mention') {
    const inner = payload.event as Record<string, unknown>;
    inner.ts = inner.event_ts = slackTs(nowMs);
    payload.event_id = randomId('Ev', 9);
    payload.event_time = Math.floor(nowMs / 1000);
  }
  if (event === 'block_actions') {
    payload.trigger_id = triggerId();
    (payload.actions as Record<string, unknown>[])[0].action_ts = slackTs(nowMs);
  }
}

export const slackSender: Sender = {
  provider: 'slack',
  events: {
    url_verification: urlVerification,
    app_mention: appMention,
    block_actions: blockActions,
  },

  build(event, fixture, nowMs) {
    const payload = copy(fixture);
    fresh(event, payload, nowMs);
    // Interactivity posts a form whose one field, `payload`, holds the JSON; the Events API posts JSON.
    const form = event === 'block_actions';
    const body = form ? new URLSearchParams({ payload: JSON.stringify(payload) }).toString() : JSON.stringify(payload);
    return {
      headers: [
        ['Content-Type', form ? 'application/x-www-form-urlencoded' : 'application/json'],
        ['User-Agent', 'Slackbot 1.0 (+https://api.slack.com/robots)'],
        ['Accept', '*/*'],
        ['X-Slack-Signature', ''],
        // Sent signed or not (signing sets it again, to the same second): it is also how a Slack request is recognised.
        ['X-Slack-Request-Timestamp', String(Math.floor(nowMs / 1000))],
      ],
      body: Buffer.from(body),
      signatureHeaders: ['X-Slack-Signature'],
    };
  },
};
