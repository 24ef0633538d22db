// trigger: every sample event builds a realistic request, signed so that the official libraries accept it.

import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { headerValue } from '../../src/exchange.js';
import { describeWebhook } from '../../src/webhooks/detect.js';
import { buildSecrets, NO_SECRETS } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest, listTriggerEvents } from '../../src/webhooks/trigger.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';

const NOW = Date.UTC(2024, 7, 5, 15, 0, 0);
const SVIX_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const secrets = buildSecrets({
  flags: ['stripe=whsec_trigger_test', 'github=gh-hook-secret', 'shopify=shpss_trigger', 'slack=slack-signing-secret', `svix=${SVIX_SECRET}`],
});
const EVENTS = listTriggerEvents();

describe('listTriggerEvents', () => {
  it('offers the documented sample events', () => {
    expect(EVENTS.map(({ provider, event }) => `${provider} ${event}`)).toEqual([
      'stripe payment_intent.succeeded',
      'stripe payment_intent.payment_failed',
      'stripe checkout.session.completed',
      'stripe customer.subscription.created',
      'stripe invoice.paid',
      'stripe charge.refunded',
      'github push',
      'github pull_request.opened',
      'github issues.opened',
      'github release.published',
      'github ping',
      'github installation.created',
      'shopify orders/create',
      'shopify products/update',
      'shopify app/uninstalled',
      'shopify customers/data_request',
      'shopify customers/redact',
      'shopify shop/redact',
      'slack url_verification',
      'slack app_mention',
      'slack block_actions',
      'standard user.created',
      'standard user.updated',
      'standard user.deleted',
      'standard email.sent',
      'standard email.delivered',
    ]);
  });
});

describe.each(EVENTS)('$provider $event', ({ provider, event }) => {
  it('builds a signed request that hooktunnel itself recognises, describes and verifies', () => {
    const request = buildTriggerRequest(provider, event, { secrets, nowMs: NOW, path: '/hooks' });
    expect(request).toMatchObject({ method: 'POST', path: '/hooks', signed: true });
    const delivery = { headers: request.headers, body: request.body, url: null };
    expect(describeWebhook(delivery)).toMatchObject({ provider, eventType: event });
    expect(verifyWebhook(delivery, secrets, NOW)).toEqual({ provider, result: 'valid', reason: null });
    // Slack's interactivity posts a form; everything else here is JSON.
    const type = event === 'block_actions' ? /^application\/x-www-form-urlencoded/ : /^application\/json/;
    expect(headerValue(request.headers, 'content-type')).toMatch(type);
    const userAgent = headerValue(request.headers, 'user-agent');
    expect(userAgent).toMatch(/^(Stripe\/1\.0|GitHub-Hookshot\/|Shopify-Captain-Hook|Slackbot 1\.0|Svix-Webhooks\/)/);
  });

  it('omits the signature headers when no secret is known', () => {
    const request = buildTriggerRequest(provider, event, { secrets: NO_SECRETS, nowMs: NOW });
    expect(request.signed).toBe(false);
    expect(request.path).toBe('/');
    expect(request.headers.some(([, value]) => value === '')).toBe(false);
    expect(verifyWebhook({ headers: request.headers, body: request.body, url: null }, NO_SECRETS, NOW).result).not.toBe(
      'valid',
    );
  });

  it('uses fresh ids on every call and leaves the shared fixture untouched', () => {
    const first = buildTriggerRequest(provider, event, { secrets, nowMs: NOW });
    const second = buildTriggerRequest(provider, event, { secrets, nowMs: NOW });
    // Slack's URL check carries no id: its challenge is what is fresh.
    if (event === 'url_verification') return expect(first.body.equals(second.body)).toBe(false);
    const id = (r: typeof first) => describeWebhook({ headers: r.headers, body: r.body, url: null }).eventId;
    expect(id(first)).not.toBe(id(second));
    expect(id(first)).toBeTruthy();
    // Stripe and Slack carry their ids in the body; GitHub and Shopify in headers, the body the same each time.
    if (provider === 'github' || provider === 'shopify') expect(first.body.equals(second.body)).toBe(true);
  });
});

describe('svix samples (Clerk, Resend)', () => {
  const svixEvents = EVENTS.filter((e) => e.provider === 'standard');
  it.each(svixEvents)('$event passes the official Webhook.verify, under the svix-* names Clerk and Resend send', ({ event }) => {
    // `trigger svix …`, as --secret names it.
    const request = buildTriggerRequest('svix', event, { secrets, nowMs: Date.now() });
    const headers = Object.fromEntries(request.headers.map(([name, value]) => [name.replace(/^svix-/, 'webhook-'), value]));
    const parsed = new Webhook(SVIX_SECRET).verify(request.body.toString(), headers) as { type: string; data: { id?: string; email_id?: string } };
    expect(parsed.type).toBe(event);
    expect(headerValue(request.headers, 'svix-id')).toMatch(/^msg_[0-9A-Za-z]{27}$/);
    expect(parsed.data.id ?? parsed.data.email_id).toBeTruthy();
  });

  it('stamps the event time in the payload as each sender does: Clerk epoch ms, Resend ISO 8601', () => {
    const clerk = JSON.parse(buildTriggerRequest('svix', 'user.updated', { secrets, nowMs: NOW }).body.toString());
    const resend = JSON.parse(buildTriggerRequest('svix', 'email.delivered', { secrets, nowMs: NOW }).body.toString());
    expect([clerk.timestamp, resend.created_at]).toEqual([NOW, new Date(NOW).toISOString()]);
  });
});

describe('stripe samples', () => {
  const stripeEvents = EVENTS.filter((e) => e.provider === 'stripe');
  it.each(stripeEvents)('$event passes stripe.webhooks.constructEvent', ({ event }) => {
    const request = buildTriggerRequest('stripe', event, { secrets, nowMs: Date.now() });
    const header = headerValue(request.headers, 'Stripe-Signature')!;
    const parsed = Stripe.webhooks.constructEvent(request.body, header, 'whsec_trigger_test');
    expect(parsed.type).toBe(event);
    expect(parsed.id).toMatch(/^evt_[0-9A-Za-z]{24}$/);
    expect(parsed.object).toBe('event');
    const object = parsed.data.object as unknown as { id: string; object: string };
    expect(object.id).toMatch(/^(pi|cs_test|sub|in|ch)_[0-9A-Za-z]+$/);
    expect(event.startsWith(object.object === 'subscription' ? 'customer.subscription' : object.object)).toBe(true);
  });

  it('signs with each of several secrets, as Stripe does during a roll, so an app holding either accepts it', () => {
    const rolling = buildSecrets({ config: { stripe: ['whsec_before_roll', 'whsec_after_roll'] } });
    const request = buildTriggerRequest('stripe', 'invoice.paid', { secrets: rolling, nowMs: Date.now() });
    const header = headerValue(request.headers, 'Stripe-Signature')!;
    for (const secret of ['whsec_before_roll', 'whsec_after_roll']) expect(Stripe.webhooks.constructEvent(request.body, header, secret).type).toBe('invoice.paid');
  });

  it('stamps the event with the trigger time and sends it pretty-printed, as Stripe does', () => {
    const request = buildTriggerRequest('stripe', 'invoice.paid', { secrets, nowMs: NOW });
    expect(JSON.parse(request.body.toString()).created).toBe(NOW / 1000);
    expect(request.body.toString()).toMatch(/^\{\n {2}"id": "evt_/);
  });
});

describe('github samples', () => {
  it.each(EVENTS.filter((e) => e.provider === 'github'))('$event passes octokit verify', async ({ event }) => {
    const request = buildTriggerRequest('github', event, { secrets, nowMs: NOW });
    const signature = headerValue(request.headers, 'X-Hub-Signature-256')!;
    expect(await octokitVerify('gh-hook-secret', request.body.toString(), signature)).toBe(true);
    // GitHub still sends the legacy SHA-1 header alongside when the hook has a secret; older apps check only that one.
    const sha1 = `sha1=${createHmac('sha1', 'gh-hook-secret').update(request.body).digest('hex')}`;
    expect(headerValue(request.headers, 'X-Hub-Signature')).toBe(sha1);
    expect(headerValue(request.headers, 'X-GitHub-Event')).toBe(event.split('.')[0]);
    expect(headerValue(request.headers, 'X-GitHub-Delivery')).toMatch(/^[0-9a-f-]{36}$/);
    const payload = JSON.parse(request.body.toString());
    expect(payload.sender.login).toBe('mona-dev');
    if (event === 'ping' || event === 'installation.created') return;
    expect(payload.repository.full_name).toBe('acme-robotics/fleet-api');
    expect(headerValue(request.headers, 'X-GitHub-Hook-Installation-Target-Type')).toBe('repository');
  });

  // A GitHub App gets a ping once its webhook is set up, then an installation event: both from the App's own hook.
  it('sends a GitHub App its ping and its installation from the App\'s hook, as GitHub does', () => {
    const ping = buildTriggerRequest('github', 'ping', { secrets, nowMs: NOW });
    const installation = buildTriggerRequest('github', 'installation.created', { secrets, nowMs: NOW });
    for (const request of [ping, installation]) {
      expect(headerValue(request.headers, 'X-GitHub-Hook-Installation-Target-Type')).toBe('integration');
      expect(headerValue(request.headers, 'X-GitHub-Hook-Installation-Target-ID')).toBe('981234');
    }
    const pingPayload = JSON.parse(ping.body.toString());
    expect(pingPayload).toMatchObject({ zen: expect.any(String), hook_id: 498123765, hook: { type: 'App', app_id: 981234 } });
    expect(String(pingPayload.hook_id)).toBe(headerValue(ping.headers, 'X-GitHub-Hook-ID'));
    const installed = JSON.parse(installation.body.toString());
    expect(installed).toMatchObject({ action: 'created', installation: { app_id: 981234, account: { login: 'acme-robotics' } } });
    expect(installed.installation.created_at).toBe('2024-08-05T15:00:00Z');
    expect(installed.repositories.map((r: { full_name: string }) => r.full_name)).toEqual(['acme-robotics/fleet-api']);
  });
});

describe('shopify samples', () => {
  it.each(EVENTS.filter((e) => e.provider === 'shopify'))('$event carries the documented headers', ({ event }) => {
    const request = buildTriggerRequest('shopify', event, { secrets, nowMs: NOW });
    const expected = createHmac('sha256', 'shpss_trigger').update(request.body).digest('base64');
    expect(headerValue(request.headers, 'X-Shopify-Hmac-Sha256')).toBe(expected);
    expect(headerValue(request.headers, 'X-Shopify-Topic')).toBe(event);
    expect(headerValue(request.headers, 'X-Shopify-Shop-Domain')).toBe('northern-loom.myshopify.com');
    expect(headerValue(request.headers, 'X-Shopify-Triggered-At')).toBe(new Date(NOW).toISOString());
    // @shopify/shopify-api's webhooks.validate refuses a delivery without any of these (missing_headers).
    expect(headerValue(request.headers, 'X-Shopify-API-Version')).toMatch(/^\d{4}-\d{2}$/);
    expect(headerValue(request.headers, 'X-Shopify-Webhook-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['orders/create', 'admin_graphql_api_id', 'gid://shopify/Order/5893241618598'],
    ['products/update', 'admin_graphql_api_id', 'gid://shopify/Product/8123456782502'],
    ['app/uninstalled', 'myshopify_domain', 'northern-loom.myshopify.com'],
  ])('%s sends the resource, its %s %s', (event, field, value) => {
    const payload = JSON.parse(buildTriggerRequest('shopify', event, { secrets, nowMs: NOW }).body.toString());
    expect(payload[field]).toBe(value);
    expect(payload.updated_at).toBe(new Date(NOW).toISOString());
  });

  it.each([
    ['customers/data_request', ['shop_id', 'shop_domain', 'orders_requested', 'customer', 'data_request']],
    ['customers/redact', ['shop_id', 'shop_domain', 'customer', 'orders_to_redact']],
    ['shop/redact', ['shop_id', 'shop_domain']],
  ])('%s, a mandatory compliance topic, sends the documented fields for the shop in the headers', (event, fields) => {
    const request = buildTriggerRequest('shopify', event, { secrets, nowMs: NOW });
    const payload = JSON.parse(request.body.toString());
    expect(Object.keys(payload)).toEqual(fields);
    expect(payload.shop_domain).toBe(headerValue(request.headers, 'X-Shopify-Shop-Domain'));
  });
});

describe('slack samples', () => {
  const slackSecrets = buildSecrets({ flags: ['slack=8f742231b10e8888abcd99yyyzzz85a5'] });

  it.each(EVENTS.filter((e) => e.provider === 'slack'))('$event is signed as Slack documents: v0=HMAC of v0:<timestamp>:<raw body>', ({ event }) => {
    const request = buildTriggerRequest('slack', event, { secrets: slackSecrets, nowMs: NOW });
    const timestamp = headerValue(request.headers, 'X-Slack-Request-Timestamp');
    expect(timestamp).toBe(String(NOW / 1000));
    const expected = createHmac('sha256', '8f742231b10e8888abcd99yyyzzz85a5').update(`v0:${timestamp}:${request.body}`).digest('hex');
    expect(headerValue(request.headers, 'X-Slack-Signature')).toBe(`v0=${expected}`);
  });

  it.each(EVENTS.filter((e) => e.provider === 'slack'))('$event unsigned is still recognised as Slack, by its timestamp header', ({ event }) => {
    const request = buildTriggerRequest('slack', event, { secrets: NO_SECRETS, nowMs: NOW });
    expect(headerValue(request.headers, 'X-Slack-Signature')).toBeUndefined();
    expect(describeWebhook({ headers: request.headers, body: request.body, url: null })).toMatchObject({ provider: 'slack', eventType: event });
  });

  it('asks for a fresh challenge each time, which the app must echo', () => {
    const challenge = () => JSON.parse(buildTriggerRequest('slack', 'url_verification', { secrets, nowMs: NOW }).body.toString()).challenge;
    expect(challenge()).toMatch(/^[\w-]{40,}$/);
    expect(challenge()).not.toBe(challenge());
  });

  it('posts block_actions as a form whose payload field is the JSON, with a fresh trigger_id', () => {
    const request = buildTriggerRequest('slack', 'block_actions', { secrets, nowMs: NOW });
    const form = new URLSearchParams(request.body.toString());
    expect([...form.keys()]).toEqual(['payload']);
    const payload = JSON.parse(form.get('payload')!);
    expect(payload).toMatchObject({ type: 'block_actions', actions: [{ action_id: 'approve_deploy', type: 'button' }] });
    expect(payload.trigger_id).toMatch(/^\d{11}\.\d{9}\.[0-9a-f]{21}$/);
    expect(describeWebhook({ headers: request.headers, body: request.body, url: null }).eventId).toBe(payload.trigger_id);
  });

  it('gives app_mention a fresh event id and time (what marks a Slack retry a duplicate)', () => {
    const payload = JSON.parse(buildTriggerRequest('slack', 'app_mention', { secrets, nowMs: NOW }).body.toString());
    expect(payload.event_id).toMatch(/^Ev\w{9}$/);
    expect(payload.event_time).toBe(NOW / 1000);
    expect(payload.event.ts).toBe(`${NOW / 1000}.000000`);
  });
});

describe('buildTriggerRequest errors', () => {
  it('names an unknown provider and lists the known ones', () => {
    expect(() => buildTriggerRequest('paypal', 'x', { secrets, nowMs: NOW })).toThrow(
      expect.objectContaining({
        message: 'no sample events for provider "paypal"',
        hint: 'choose one of stripe, github, shopify, slack, standard (alias svix)',
      }),
    );
  });

  it('names an unknown event and lists that provider’s events', () => {
    expect(() => buildTriggerRequest('github', 'pull_request.closed', { secrets, nowMs: NOW })).toThrow(
      expect.objectContaining({
        message: 'github has no sample event "pull_request.closed"',
        hint: "choose one of push, pull_request.opened, issues.opened, release.published, ping, installation.created; for another event, trigger one of these, then `hooktunnel replay <id> --body-file event.json` sends your JSON, signed afresh with --set-header 'X-GitHub-Event: pull_request'",
      }),
    );
  });

  it('takes no name of Object.prototype for an event', () => {
    expect(() => buildTriggerRequest('github', 'toString', { secrets, nowMs: NOW })).toThrow(
      expect.objectContaining({ message: 'github has no sample event "toString"' }),
    );
  });

  it('names the header to set for a Shopify topic it has no sample of, and none for an event named in the body', () => {
    expect(() => buildTriggerRequest('shopify', 'refunds/create', { secrets, nowMs: NOW })).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/signed afresh with --set-header 'X-Shopify-Topic: refunds\/create'$/) }),
    );
    expect(() => buildTriggerRequest('stripe', 'invoice.created', { secrets, nowMs: NOW })).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/sends your JSON, signed afresh$/) }),
    );
  });
});
