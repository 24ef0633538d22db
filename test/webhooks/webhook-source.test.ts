// Whose event a delivery is (a Stripe Connect platform hears every connected account on one endpoint): named beside
// the event in `show` (the real CLI), the TUI's detail pane and the web inspector's exchange JSON.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { detailLines } from '../../src/tui/detail-lines.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { webhookSource } from '../../src/webhooks/source.js';
import { runCli } from '../helpers/cli.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { raw, record, startInspector } from '../web/support.js';
import { input } from './support.js';

const connectEvent = (account: string | undefined) =>
  JSON.stringify({ id: 'evt_1Q', object: 'event', ...(account ? { account } : {}), type: 'payment_intent.succeeded', created: 1722860000, data: { object: { id: 'pi_1', object: 'payment_intent' } } });
const STRIPE = [['Content-Type', 'application/json'], ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)']] as [string, string][];

describe('webhookSource', () => {
  it('names the Stripe connected account, the Shopify shop, the Slack workspace; nothing for a platform\'s own event', () => {
    expect(webhookSource(input(STRIPE, connectEvent('acct_1Nv0FGQ9RKHgCVdK')))).toEqual({ label: 'account', value: 'acct_1Nv0FGQ9RKHgCVdK' });
    expect(webhookSource(input(STRIPE, connectEvent(undefined)))).toBeNull();
    const shop = input([['X-Shopify-Topic', 'orders/create'], ['X-Shopify-Shop-Domain', 'acme.myshopify.com'], ['X-Shopify-Hmac-Sha256', 'x']], '{"id":1}');
    expect(webhookSource(shop)).toEqual({ label: 'shop', value: 'acme.myshopify.com' });
    expect(webhookSource(input([['svix-id', 'msg_1'], ['svix-signature', 'v1,x']], '{"type":"user.created"}'))).toBeNull();
  });
});

describe('a Connect event in show, the TUI and the web inspector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-source-'));
  const db = join(dir, 'capture.db');
  let store: Store;
  let app: LocalApp;
  // The account id came from the network: escaped wherever a terminal shows it.
  const account = 'acct_1Nv0\u001b[31mFGQ9';

  beforeAll(async () => {
    store = Store.open(db);
    app = await startLocalApp();
    // Examined as listen examines it (with no secret: the account does not depend on one).
    await record(store, app.url, { path: '/stripe', headers: STRIPE, body: connectEvent(account) }, buildSecrets({})); // #1
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

  it('the TUI\'s detail pane names it on the webhook line', () => {
    const text = detailLines(store.get(1)!, 'request').map((line) => line.map((segment) => segment.text).join(''));
    expect(text).toContain('webhook    stripe payment_intent.succeeded  id evt_1Q  account acct_1Nv0\\e[31mFGQ9');
  });

  it('the web inspector\'s exchange JSON carries it for the page', async () => {
    const inspector = await startInspector(store);
    try {
      const reply = await raw(inspector.port, 'GET', '/api/exchanges/1', { Host: `127.0.0.1:${inspector.port}` });
      expect(JSON.parse(reply.body.toString()).webhookSource).toEqual({ label: 'account', value: account });
    } finally {
      await inspector.close();
    }
  });
});
