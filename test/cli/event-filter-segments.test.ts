// `ls --event pull_request` and `wait --match event=pull_request` find GitHub's `pull_request.opened`: GitHub names
// the event `pull_request` (X-GitHub-Event) and hooktunnel records it with its action. They matched nothing before.

import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';

const home = tempHome();
const cli = (...argv: string[]) => runCli([...argv, '--db', home.db], { env: home.env });

beforeAll(async () => {
  const app = await startLocalApp();
  // Recorded by the real CLI, as a webhook through listen would be: provider and event type recognised.
  for (const [provider, event] of [['github', 'pull_request.opened'], ['github', 'push'], ['shopify', 'orders/create'], ['stripe', 'payment_intent.succeeded']]) {
    const sent = await runCli(['trigger', provider, event, '--to', String(app.port), '--db', home.db], { env: home.env });
    expect(sent.code, sent.stderr).toBe(0);
  }
  await app.close();
  return home.cleanup;
});

const listed = async (...argv: string[]) => {
  const result = await cli('ls', '--json', ...argv);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { webhook: { eventType: string } }[]).map((e) => e.webhook.eventType);
};

describe('an event filter takes the type and the types it begins, segment by segment', () => {
  it.each([
    ['pull_request', ['pull_request.opened']],
    ['pull_request.opened', ['pull_request.opened']],
    ['orders', ['orders/create']],
    ['payment_intent', ['payment_intent.succeeded']],
    ['push', ['push']],
  ])('ls --event %s', async (event, types) => {
    expect(await listed('--event', event)).toEqual(types);
  });

  it.each(['pull', 'pull_request.open', 'payment_intent_'])('ls --event %s matches no part of a segment', async (event) => {
    expect(await listed('--event', event)).toEqual([]);
  });

  it('wait --match event=pull_request finds the pull_request.opened delivery', async () => {
    const result = await cli('wait', '--since', '0', '--timeout', '5s', '--match', 'event=pull_request', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).webhook.eventType).toBe('pull_request.opened');
  });

  it('export --event pull_request exports it', async () => {
    const result = await cli('export', '--json', '-', '--event', 'pull_request');
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { webhook: { eventType: string } }[]).map((e) => e.webhook.eventType)).toEqual(['pull_request.opened']);
  });
});
