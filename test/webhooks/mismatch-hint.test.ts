// A signature that does not match while the sender is rotating its secret (Stripe signs with the old and the new one
// at once, `v1=…,v1=…`): show (the real CLI), verify (the real CLI), the TUI's detail pane and the web inspector's
// exchange JSON follow "signature does not match" with how to give the old secret too.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { detailLines } from '../../src/tui/detail-lines.js';
import { mismatchHint } from '../../src/webhooks/missing-secret.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { MISMATCH } from '../../src/webhooks/signing.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { runCli } from '../helpers/cli.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { raw, record, startInspector } from '../web/support.js';

const HINT = 'if you rolled the secret, give the old one too: --secret stripe=<old> --secret stripe=<new> (or a list in hooktunnel.yml)';

describe('mismatchHint', () => {
  it('names the provider as --secret takes it; the hmac provider\'s secrets are --verify specs; nothing for other reasons', () => {
    expect(mismatchHint(MISMATCH, 'stripe')).toBe(HINT);
    expect(mismatchHint(MISMATCH, 'standard')).toContain('--secret standard=<old> --secret standard=<new>');
    expect(mismatchHint(MISMATCH, 'hmac')).toContain('a --verify spec for each');
    expect(mismatchHint('signature does not match (wrong auth token, body modified, or not the URL Twilio called)', 'twilio')).toContain('--secret twilio=<old>');
    expect(mismatchHint('missing Stripe-Signature header', 'stripe')).toBeUndefined();
    expect(mismatchHint(null, 'stripe')).toBeUndefined();
  });
});

describe('a delivery signed during a rotation, checked with neither of its secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-mismatch-'));
  const db = join(dir, 'capture.db');
  const known = 'stripe=whsec_notEitherOfThem';
  let store: Store;
  let app: LocalApp;

  beforeAll(async () => {
    store = Store.open(db);
    app = await startLocalApp();
    // Stripe mid-rotation: signed with the old and the new secret, `v1=…,v1=…`.
    const rotating = buildSecrets({ flags: ['stripe=whsec_old', 'stripe=whsec_new'] });
    const delivery = buildTriggerRequest('stripe', 'invoice.paid', { secrets: rotating, nowMs: Date.now(), path: '/stripe' });
    expect(delivery.headers.find(([name]) => name.toLowerCase() === 'stripe-signature')?.[1]).toMatch(/,v1=.*,v1=/);
    await record(store, app.url, { path: '/stripe', headers: delivery.headers, body: delivery.body }, buildSecrets({ flags: [known] })); // #1
  });

  afterAll(async () => {
    await app?.close();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('show follows the mismatch with the hint', async () => {
    const shown = await runCli(['show', '1', '--db', db], { env: { NO_COLOR: '1' } });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`signature INVALID: ${MISMATCH} (${HINT})`);
  });

  it('verify says it on stderr, and stdout stays the verdict', async () => {
    const checked = await runCli(['verify', '1', '--db', db, '--secret', known], { env: { NO_COLOR: '1' } });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toBe(`#1 stripe invoice.paid: invalid (${MISMATCH})\n`);
    expect(checked.stderr).toContain(`hint: ${HINT}\n`);
  });

  it('the TUI\'s detail pane follows the mismatch with it', () => {
    const text = detailLines(store.get(1)!, 'request').map((line) => line.map((segment) => segment.text).join(''));
    expect(text).toContain(`signature  ✗ invalid: ${MISMATCH} (${HINT})`);
  });

  it('the web inspector\'s exchange JSON carries it for the page', async () => {
    const inspector = await startInspector(store);
    try {
      const reply = await raw(inspector.port, 'GET', '/api/exchanges/1', { Host: `127.0.0.1:${inspector.port}` });
      expect(JSON.parse(reply.body.toString()).signatureHint).toBe(HINT);
    } finally {
      await inspector.close();
    }
  });
});
