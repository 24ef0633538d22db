// Slack sends an Events API event again when the app was slow or failed, saying which retry it is and why
// (X-Slack-Retry-Num, X-Slack-Retry-Reason). hooktunnel marked it `dup #1` only: the views without headers could not
// say why. listen's event, `ls`, `show` and their --json now say `retry 1: http_timeout` beside the dup mark.

import { expect, it } from 'vitest';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { loopbackRelay, runCli, startListen, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { send, startLocalApp } from '../helpers/http.js';

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

it("says why Slack sent an event again beside its dup mark: listen's event, ls, show and --json", async () => {
  const home = tempHome();
  onCleanup(home.cleanup);
  const cleanups: (() => unknown)[] = [];
  onCleanup(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const relayUrl = await loopbackRelay(cleanups);
  const app = await startLocalApp();
  cleanups.push(() => app.close());
  const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db, '--no-web', '--secret', 'slack=s3cret'], home.env);
  cleanups.push(() => listen.stop());

  // The same signed event, then Slack's first retry of it, through the tunnel.
  const secrets = buildSecrets({ flags: ['slack=s3cret'] });
  const mention = buildTriggerRequest('slack', 'app_mention', { secrets, nowMs: Date.now(), path: '/slack/events' });
  const headers = mention.headers.flat();
  const url = `${listen.url}/slack/events`;
  expect((await send(url, { method: 'POST', headers, body: mention.body })).status).toBe(200);
  expect((await send(url, { method: 'POST', headers: [...headers, 'X-Slack-Retry-Num', '1', 'X-Slack-Retry-Reason', 'http_timeout'], body: mention.body })).status).toBe(200);

  const first = await listen.waitForRequest((e) => e.id === 1, 'the first delivery');
  const retried = await listen.waitForRequest((e) => e.id === 2, 'the retry');
  expect(first.webhook).not.toHaveProperty('retry');
  expect(retried.webhook).toMatchObject({ provider: 'slack', duplicateOf: 1, retry: 'retry 1: http_timeout' });

  const listed = await runCli(['ls', '--db', home.db], { env: home.env });
  const rows = plain(listed.stdout).split('\n');
  expect(rows.find((row) => row.startsWith('2 '))).toMatch(/slack app_mention {2}dup #1 {2}retry 1: http_timeout$/);
  expect(rows.find((row) => row.startsWith('1 '))).not.toContain('retry');

  const shown = await runCli(['show', '2', '--db', home.db], { env: home.env });
  expect(plain(shown.stdout)).toContain('duplicate of #1  retry 1: http_timeout');
  const json = JSON.parse((await runCli(['show', '2', '--json', '--db', home.db], { env: home.env })).stdout) as { webhook: Record<string, unknown> };
  expect(json.webhook).toMatchObject({ duplicateOf: 1, retry: 'retry 1: http_timeout' });
  const listedJson = JSON.parse((await runCli(['ls', '--json', '--db', home.db], { env: home.env })).stdout) as { id: number; webhook: Record<string, unknown> }[];
  expect(listedJson.find((e) => e.id === 2)!.webhook.retry).toBe('retry 1: http_timeout');
});
