// `hooktunnel retry` in a shell without the secret (the variable hooktunnel.yml names is set only where listen runs):
// the signature verdict recorded at arrival stays, as `verify` keeps it; it was erased to "unchecked".

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { freePort, startLocalApp } from '../helpers/http.js';
import { homeWithApp } from './recorded.js';

const SECRET = 'github_secret_for_retry';

describe('hooktunnel retry without the secret', () => {
  it('keeps the verdict recorded when the delivery arrived', async () => {
    const { db, env } = await homeWithApp();
    const port = await freePort();
    // Signed and checked with the secret, while the app is down: recorded valid, and failed.
    const sent = await runCli(['trigger', 'github', 'push', '--to', String(port), '--secret', `github=${SECRET}`, '--db', db, '--json'], { env });
    expect(sent.code).toBe(1);
    expect(JSON.parse(sent.stdout).webhook).toMatchObject({ verification: 'valid' });

    const app = await startLocalApp(undefined, '127.0.0.1', port);
    onCleanup(() => app.close());
    const retried = await runCli(['retry', '1', '--db', db, '--json'], { env });
    expect(retried.code).toBe(0);
    expect(app.received).toHaveLength(1);
    expect(JSON.parse(retried.stdout)).toMatchObject({ status: 200, webhook: { verification: 'valid', reason: null } });

    const shown = JSON.parse((await runCli(['show', '1', '--db', db, '--json'], { env })).stdout);
    expect(shown.webhook).toMatchObject({ provider: 'github', eventType: 'push', verification: 'valid' });
  });

  it('still records a new verdict when the secret is there', async () => {
    const { db, env } = await homeWithApp();
    const port = await freePort();
    await runCli(['trigger', 'github', 'push', '--to', String(port), '--secret', `github=${SECRET}`, '--db', db], { env });
    const app = await startLocalApp(undefined, '127.0.0.1', port);
    onCleanup(() => app.close());
    // The wrong secret now: the check is made, so its verdict replaces the earlier one.
    const retried = await runCli(['retry', '1', '--secret', 'github=another_secret', '--db', db, '--json'], { env });
    expect(JSON.parse(retried.stdout).webhook).toMatchObject({ verification: 'invalid' });
  });
});
