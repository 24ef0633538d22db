// `replay --body-file F --no-resign`: a changed body with the recorded signature, so a developer can check that their
// app refuses a body tampered with after signing. Without --no-resign a changed body is re-signed (the default).

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { homeWithApp } from './recorded.js';

const SECRET = 'whsec_replay_no_resign';

const signatureOf = (rawHeaders: string[]) => rawHeaders[rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'stripe-signature') + 1];

describe('replay --no-resign', () => {
  it('sends a changed body with the recorded signature; without it, the changed body is signed afresh', async () => {
    const { db, env, dir, app } = await homeWithApp();
    const withSecret = { ...env, HOOKTUNNEL_SECRET_STRIPE: SECRET };
    const sent = await runCli(['trigger', 'stripe', 'invoice.paid', '--to', app.url, '--path', '/webhooks/stripe', '--db', db], { env: withSecret });
    expect(sent.code).toBe(0);
    const recorded = signatureOf(app.received[0].rawHeaders);
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, app.received[0].body.toString().replace('"amount_paid":', '"amount_paid_changed":'));

    const kept = await runCli(['replay', '1', '--body-file', tampered, '--no-resign', '--db', db, '--json'], { env: withSecret });
    expect(kept.code).toBe(0);
    expect(signatureOf(app.received[1].rawHeaders)).toBe(recorded);
    expect(() => Stripe.webhooks.constructEvent(app.received[1].body, recorded, SECRET)).toThrow(/No signatures found matching/);
    expect(JSON.parse(kept.stdout).webhook).toMatchObject({ verification: 'invalid' });

    const resigned = await runCli(['replay', '1', '--body-file', tampered, '--db', db, '--json'], { env: withSecret });
    expect(resigned.code).toBe(0);
    const fresh = signatureOf(app.received[2].rawHeaders);
    expect(fresh).not.toBe(recorded);
    expect(Stripe.webhooks.constructEvent(app.received[2].body, fresh, SECRET).type).toBe('invoice.paid');
  });
});
