// Slack against the example in Slack's "Verifying requests from Slack" documentation, and the three body shapes.

import { describe, expect, it } from 'vitest';
import type { HeaderPairs } from '../../src/exchange.js';
import { slack } from '../../src/webhooks/providers/slack.js';
import { input } from './support.js';

// https://api.slack.com/authentication/verifying-requests-from-slack#a-recipe-for-security
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = 1531420618;
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
  '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
  '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
  '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_TRIGGER_ID = '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_HEADERS: HeaderPairs = [
  ['Content-Type', 'application/x-www-form-urlencoded'],
  ['X-Slack-Request-Timestamp', String(DOC_TIMESTAMP)],
  ['X-Slack-Signature', DOC_SIGNATURE],
];

describe('slack', () => {
  it("verifies Slack's documented example at its own timestamp", () => {
    expect(slack.verify(input(DOC_HEADERS, DOC_BODY), DOC_SECRET, DOC_TIMESTAMP * 1000).result).toBe('valid');
  });

  it('signs the documented example to the documented signature', () => {
    const unsigned = input(DOC_HEADERS.slice(0, 1), DOC_BODY);
    expect(slack.sign(unsigned, DOC_SECRET, DOC_TIMESTAMP * 1000)).toEqual(DOC_HEADERS);
  });

  it('reports the documented example as 400 s old when checked 400 s later', () => {
    expect(slack.verify(input(DOC_HEADERS, DOC_BODY), DOC_SECRET, (DOC_TIMESTAMP + 400) * 1000).reason).toBe(
      'timestamp 400 s old, outside the 300 s tolerance',
    );
  });

  it('requires the timestamp header, and a number in it', () => {
    const without = DOC_HEADERS.filter(([name]) => name !== 'X-Slack-Request-Timestamp');
    expect(slack.verify(input(without, DOC_BODY), DOC_SECRET, 0).reason).toBe(
      'missing header X-Slack-Request-Timestamp',
    );
    const bad: HeaderPairs = DOC_HEADERS.map(([n, v]) => [n, n === 'X-Slack-Request-Timestamp' ? 'yesterday' : v]);
    expect(slack.verify(input(bad, DOC_BODY), DOC_SECRET, 0).reason).toBe(
      'malformed header X-Slack-Request-Timestamp (expected <unix seconds>)',
    );
  });

  it.each<[string, HeaderPairs, string, string | null, string | null]>([
    ['a slash command', DOC_HEADERS, DOC_BODY, '/webhook-collect', DOC_TRIGGER_ID],
    [
      'an Events API callback',
      [['X-Slack-Request-Timestamp', '1531420618']],
      '{"type":"event_callback","event_id":"Ev0PV52K21","event":{"type":"app_mention","text":"hi"}}',
      'app_mention',
      'Ev0PV52K21',
    ],
    [
      'a URL verification',
      [['X-Slack-Signature', 'v0=0']],
      '{"type":"url_verification","challenge":"3eZbrw"}',
      'url_verification',
      null,
    ],
    [
      'an interactivity payload',
      [['Content-Type', 'application/x-www-form-urlencoded'], ['X-Slack-Signature', 'v0=0']],
      `payload=${encodeURIComponent('{"type":"block_actions","trigger_id":"13345224609.7384749.80889308"}')}`,
      'block_actions',
      '13345224609.7384749.80889308',
    ],
  ])('describes %s', (_, headers, body, eventType, eventId) => {
    expect(slack.describe(input(headers, body))).toMatchObject({ eventType, eventId });
  });

  it('takes the timestamp from X-Slack-Request-Timestamp', () => {
    expect(slack.describe(input(DOC_HEADERS, DOC_BODY)).timestamp).toBe(DOC_TIMESTAMP * 1000);
  });

  it('names the workspace each shape comes from (one app hears every workspace that installed it)', () => {
    expect(slack.describe(input(DOC_HEADERS, DOC_BODY)).source).toBe('T1DC2JH3J');
    const json: HeaderPairs = [['Content-Type', 'application/json']];
    expect(slack.describe(input(json, '{"team_id":"T0001","event":{"type":"app_mention"}}')).source).toBe('T0001');
    const form: HeaderPairs = [['Content-Type', 'application/x-www-form-urlencoded']];
    const payload = encodeURIComponent('{"type":"block_actions","team":{"id":"T0002"}}');
    expect(slack.describe(input(form, `payload=${payload}`)).source).toBe('T0002');
  });
});
