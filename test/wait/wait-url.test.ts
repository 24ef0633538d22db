// `wait --match url=…`: a CI job sends a signed sample through its tunnel with `trigger --to <public URL>`, which records
// it twice, trigger's own row (no URL: it called the tunnel, not a sender's URL) and the one the listen recorded; `wait`
// had no key to tell them apart, so it could return trigger's row, whose replay goes back through the tunnel.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';
import { home, listen, startRelay } from '../nothing-lost/helpers.js';

describe('wait --match url=', () => {
  it('takes only the exchange that came through the tunnel, by glob over the URL the sender called', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'ci-42', '--no-web'], h.env);

    const sent = await runCli(['trigger', 'stripe', 'invoice.paid', '--to', cli.url, '--path', '/hook', '--secret', 'stripe=whsec_ci', '--db', h.db, '--json'], { env: h.env });
    expect(sent.code).toBe(0);
    const triggerRow = JSON.parse(sent.stdout) as { id: number; url: string | null };
    expect(triggerRow.url).toBeNull();
    const through = await cli.waitForRequest((e) => e.path === '/hook', 'the listen to record it');

    for (const expression of ['url=*', `url=${cli.url.toUpperCase()}/*`, 'url=*/t/ci-42/hook']) {
      const found = await runCli(['wait', '--since', '0', '--match', 'provider=stripe', '--match', expression, '--timeout', '10s', '--json', '--db', h.db], { env: h.env });
      expect([found.code, found.stderr]).toEqual([0, '']);
      expect(JSON.parse(found.stdout)).toMatchObject({ id: through.id, url: `${cli.url}/hook` });
    }
    const elsewhere = await runCli(['wait', '--since', '0', '--match', 'url=*/t/other/*', '--timeout', '300ms', '--db', h.db], { env: h.env });
    expect(elsewhere.code).toBe(124);
    const empty = await runCli(['wait', '--match', 'url=', '--db', h.db], { env: h.env });
    expect(empty).toMatchObject({ code: 2, stderr: expect.stringContaining('--match "url=" needs a value after =') });
  });
});
