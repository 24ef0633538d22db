// The out-of-order mark through the real relay and listen: an event is compared with those of its own stream (one
// Shopify shop's order, one Stripe object), so a busy tunnel's interleaved shops and objects are not marked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../../relay-server/relay.js';
import { runCli, startListen, tempHome, type ListenProcess } from '../helpers/cli.js';
import { send, startLocalApp, type LocalApp } from '../helpers/http.js';

const home = tempHome();
const env = { ...home.env, HOOKTUNNEL_DB: home.db };
let relay: Relay;
let app: LocalApp;
let listen: ListenProcess;

beforeAll(async () => {
  relay = createRelay({ port: 0, host: '127.0.0.1' });
  const relayUrl = await relay.start();
  app = await startLocalApp();
  listen = await startListen([String(app.port), '--relay', relayUrl], env);
});

afterAll(async () => {
  await listen?.stop();
  await app?.close();
  await relay?.close();
  home.cleanup();
});

const BASE = Date.parse('2026-03-01T12:00:00Z');
let sent = 0;

/** Sends one Shopify delivery (unsigned: the mark does not depend on a secret) and returns its webhook info. */
async function shopify(shop: string, topic: string, order: number, triggeredAfterSec: number) {
  const path = `/shopify/${++sent}`;
  const body = JSON.stringify({ id: order, admin_graphql_api_id: `gid://shopify/Order/${order}`, name: `#${1000 + order}` });
  const headers = [
    'Content-Type', 'application/json',
    'X-Shopify-Topic', topic,
    'X-Shopify-Shop-Domain', shop,
    'X-Shopify-Event-Id', `event-${sent}`,
    'X-Shopify-Triggered-At', new Date(BASE + triggeredAfterSec * 1000).toISOString(),
  ];
  const reply = await send(`${listen.url}${path}`, { headers, body });
  expect(reply.status).toBe(200);
  const event = await listen.waitForRequest((e) => e.path === path, `the exchange for ${path}`);
  return { id: event.id as number, webhook: event.webhook as { outOfOrder: boolean } };
}

describe('out of order', () => {
  it('compares an event with the same shop\'s same order only: two shops interleaved are not marked, one shop\'s older update is', async () => {
    const a1 = await shopify('shop-a.myshopify.com', 'orders/updated', 1, 10);
    // Sent by Shopify before a1, but for another shop (the same order number there is another order).
    const b1 = await shopify('shop-b.myshopify.com', 'orders/updated', 1, 5);
    // Shop A, but another order.
    const a2 = await shopify('shop-a.myshopify.com', 'orders/create', 2, 7);
    // Shop B's next update of its order 1, sent before shop A's a1: B's stream is in order.
    const b1Again = await shopify('shop-b.myshopify.com', 'orders/updated', 1, 6);
    expect([a1, b1, a2, b1Again].map((d) => d.webhook.outOfOrder)).toEqual([false, false, false, false]);

    // Shop A's order 1 again, from before a1: that one is out of order, whatever the topic.
    const a1Older = await shopify('shop-a.myshopify.com', 'orders/paid', 1, 8);
    expect(a1Older.webhook.outOfOrder).toBe(true);

    const ls = await runCli(['ls', '--json', '--provider', 'shopify'], { env });
    const marked = (JSON.parse(ls.stdout) as { id: number; webhook: { outOfOrder: boolean } }[]).filter((e) => e.webhook.outOfOrder).map((e) => e.id);
    expect(marked).toEqual([a1Older.id]);
  });
});

/**
 * Sends one Clerk delivery the way Svix does: the svix-timestamp header is the time of this attempt (so it always
 * grows), the payload's `timestamp` is when the event happened. Unsigned: the mark does not depend on a secret.
 */
async function clerk(type: string, user: string, eventAfterSec: number) {
  const path = `/clerk/${++sent}`;
  const body = JSON.stringify({ data: { id: user, object: 'user' }, object: 'event', type, timestamp: BASE + eventAfterSec * 1000 });
  const headers = ['Content-Type', 'application/json', 'svix-id', `msg_${sent}`, 'svix-timestamp', String(Math.floor(Date.now() / 1000) + sent), 'svix-signature', 'v1,x'];
  const reply = await send(`${listen.url}${path}`, { headers, body });
  expect(reply.status).toBe(200);
  const event = await listen.waitForRequest((e) => e.path === path, `the exchange for ${path}`);
  return { id: event.id as number, webhook: event.webhook as { outOfOrder: boolean } };
}

describe('out of order, Standard Webhooks (Clerk through Svix)', () => {
  it('compares the payload\'s event time within one user, whatever the type, not the attempt time of the header', async () => {
    const updated = await clerk('user.updated', 'user_A', 20);
    // Another user's older update: another stream.
    const other = await clerk('user.updated', 'user_B', 1);
    // Svix retrying user_A's user.created, which failed before the update went through: a newer attempt, an older event.
    const created = await clerk('user.created', 'user_A', 10);
    expect([updated, other, created].map((d) => d.webhook.outOfOrder)).toEqual([false, false, true]);
  });
});
