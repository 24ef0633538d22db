// `wait --match event-id=…`: a GitHub App's test redelivers one delivery from GitHub's dashboard, or a script waits
// for the Stripe event it created, by the id the provider shows (GitHub's X-GitHub-Delivery GUID, Stripe's evt_…), the
// id `show` and `replay` already take. There was no key for it but a provider-specific header expression.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { send, startLocalApp } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';
import { home, listen, startRelay } from '../nothing-lost/helpers.js';

const WANTED = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
const OTHER = '9a0c5e4e-cc78-11e3-8f0b-2d54a6e1c7aa';

describe('wait --match event-id=', () => {
  it('takes the delivery whose provider event id matches, exactly or by glob', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--no-web'], h.env);

    for (const guid of [OTHER, WANTED, OTHER]) {
      const reply = await send(`${cli.url}/github`, { headers: ['Content-Type', 'application/json', 'X-GitHub-Event', 'push', 'X-GitHub-Delivery', guid], body: '{"ref":"refs/heads/main"}' });
      expect(reply.status).toBe(200);
    }
    const wanted = await cli.waitForRequest((e) => e.path === '/github' && e.id === 2, 'the wanted delivery recorded');

    for (const expression of [`event-id=${WANTED}`, 'event-id=72d3162e-*']) {
      const found = await runCli(['wait', '--since', '0', '--match', expression, '--timeout', '10s', '--json', '--db', h.db], { env: h.env });
      expect([found.code, found.stderr]).toEqual([0, '']);
      expect(JSON.parse(found.stdout)).toMatchObject({ id: wanted.id, webhook: { provider: 'github', eventId: WANTED } });
    }
    // The id is the provider's, in its case: an upper-case GUID is another id.
    const otherCase = await runCli(['wait', '--since', '0', '--match', `event-id=${WANTED.toUpperCase()}`, '--timeout', '300ms', '--db', h.db], { env: h.env });
    expect(otherCase.code).toBe(124);
  });
});
