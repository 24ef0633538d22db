// What only the body says about an event, named beside it in `show` (the real CLI), the TUI's detail pane and the web
// inspector's exchange JSON: whose event it is (a Stripe Connect platform hears every connected account on one
// endpoint) and a Stripe live-mode event (a live endpoint or secret pointed at a development tunnel), with its API version.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { detailLines } from '../../src/tui/detail-lines.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { eventContext } from '../../src/webhooks/event-context.js';
import { runCli } from '../helpers/cli.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { raw, record, startInspector } from '../web/support.js';
import { input } from './support.js';

const connectEvent = (account: string | undefined, more: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'evt_1Q', object: 'event', ...(account ? { account } : {}), type: 'payment_intent.succeeded', created: 1722860000, ...more, data: { object: { id: 'pi_1', object: 'payment_intent' } } });
const liveEvent = (apiVersion: string) => JSON.stringify({ id: 'evt_1L', object: 'event', api_version: apiVersion, livemode: true, type: 'charge.refunded', created: 1722860000, data: { object: { id: 'ch_1' } } });
const STRIPE = [['Content-Type', 'application/json'], ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)']] as [string, string][];

describe('eventContext', () => {
  it('names the Stripe connected account, the Shopify shop, the Slack workspace; nothing for a platform\'s own event', () => {
    expect(eventContext(input(STRIPE, connectEvent('acct_1Nv0FGQ9RKHgCVdK')))).toEqual([{ label: 'account', value: 'acct_1Nv0FGQ9RKHgCVdK' }]);
    expect(eventContext(input(STRIPE, connectEvent(undefined)))).toEqual([]);
    const shop = input([['X-Shopify-Topic', 'orders/create'], ['X-Shopify-Shop-Domain', 'acme.myshopify.com'], ['X-Shopify-Hmac-Sha256', 'x']], '{"id":1}');
    expect(eventContext(shop)).toEqual([{ label: 'shop', value: 'acme.myshopify.com' }]);
    expect(eventContext(input([['svix-id', 'msg_1'], ['svix-signature', 'v1,x']], '{"type":"user.created"}'))).toEqual([]);
  });

  it('says live mode (a notice) and the API version; test mode goes unsaid', () => {
    expect(eventContext(input(STRIPE, liveEvent('2024-06-20')))).toEqual([
      { label: 'live mode', value: null, notice: true },
      { label: 'api', value: '2024-06-20' },
    ]);
    expect(eventContext(input(STRIPE, connectEvent('acct_1', { livemode: false, api_version: '2024-06-20' })))).toEqual([
      { label: 'account', value: 'acct_1' },
      { label: 'api', value: '2024-06-20' },
    ]);
    // Only a JSON true is live: a string "true" is not what Stripe sends.
    expect(eventContext(input(STRIPE, connectEvent(undefined, { livemode: 'true' })))).toEqual([]);
  });
});

describe('a Connect event in show, the TUI and the web inspector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-source-'));
  const db = join(dir, 'capture.db');
  let store: Store;
  let app: LocalApp;
  // The account id and the API version came from the network: escaped wherever a terminal shows them.
  const account = 'acct_1Nv0\u001b[31mFGQ9';
  const apiVersion = '2024-06-20\u001b[2J';

  beforeAll(async () => {
    store = Store.open(db);
    app = await startLocalApp();
    // Examined as listen examines it (with no secret: the account does not depend on one).
    await record(store, app.url, { path: '/stripe', headers: STRIPE, body: connectEvent(account) }, buildSecrets({})); // #1
    await record(store, app.url, { path: '/stripe', headers: STRIPE, body: liveEvent(apiVersion) }, buildSecrets({})); // #2
  });

  afterAll(async () => {
    await app?.close();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('show prints the account beside the event, escaped', async () => {
    const shown = await runCli(['show', '1', '--db', db], { env: { NO_COLOR: '1' } });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('webhook: stripe payment_intent.succeeded (evt_1Q)  account acct_1Nv0\\e[31mFGQ9');
  });

  it('show says a live-mode event is one, with its API version, escaped', async () => {
    const shown = await runCli(['show', '2', '--db', db], { env: { NO_COLOR: '1' } });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('webhook: stripe charge.refunded (evt_1L)  live mode  api 2024-06-20\\e[2J');
  });

  it('the TUI\'s detail pane says live mode and the API version on the webhook line, live mode in yellow', () => {
    const lines = detailLines(store.get(2)!, 'request');
    const text = lines.map((line) => line.map((segment) => segment.text).join(''));
    expect(text).toContain('webhook    stripe charge.refunded  id evt_1L  live mode  api 2024-06-20\\e[2J');
    expect(lines.flat().find((segment) => segment.text.includes('live mode'))).toMatchObject({ color: 'yellow' });
  });

  it('the TUI\'s detail pane names it on the webhook line', () => {
    const text = detailLines(store.get(1)!, 'request').map((line) => line.map((segment) => segment.text).join(''));
    expect(text).toContain('webhook    stripe payment_intent.succeeded  id evt_1Q  account acct_1Nv0\\e[31mFGQ9');
  });

  it('the web inspector\'s exchange JSON carries it for the page', async () => {
    const inspector = await startInspector(store);
    try {
      const reply = await raw(inspector.port, 'GET', '/api/exchanges/1', { Host: `127.0.0.1:${inspector.port}` });
      expect(JSON.parse(reply.body.toString()).eventContext).toEqual([{ label: 'account', value: account }]);
      const live = await raw(inspector.port, 'GET', '/api/exchanges/2', { Host: `127.0.0.1:${inspector.port}` });
      expect(JSON.parse(live.body.toString()).eventContext).toEqual([
        { label: 'live mode', value: null, notice: true },
        { label: 'api', value: apiVersion },
      ]);
    } finally {
      await inspector.close();
    }
  });
});
