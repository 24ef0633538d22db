// `trigger github <event> --app`: a GitHub App's webhook adds the installation to every event, and a Probot-style app
// acts as that installation (context.octokit), reading payload.installation.id; a repository hook's sample has none,
// so such an app's handler failed on every sample. With --app the sample comes as the App's hook sends it.

import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { homeWithApp } from './recorded.js';

const SECRET = 'gh-app-secret';

const header = (rawHeaders: string[], name: string) => rawHeaders[rawHeaders.findIndex((h) => h.toLowerCase() === name.toLowerCase()) + 1];

it.each(['push', 'pull_request.opened', 'issues.opened', 'release.published'])('sends %s with the installation, from the App\'s hook', async (event) => {
  const { db, env, app } = await homeWithApp();
  const result = await runCli(['trigger', 'github', event, '--app', '--to', app.url, '--path', '/api/github/webhooks', '--secret', `github=${SECRET}`, '--db', db, '--json'], { env });
  expect([result.code, result.stderr]).toEqual([0, '']);
  const [got] = app.received;
  expect(got.url).toBe('/api/github/webhooks');
  const payload = JSON.parse(got.body.toString());
  expect(payload.installation).toEqual({ id: 53112873, node_id: expect.any(String) });
  expect(payload.repository.full_name).toBe('acme-robotics/fleet-api');
  expect(header(got.rawHeaders, 'X-GitHub-Hook-Installation-Target-Type')).toBe('integration');
  expect(header(got.rawHeaders, 'X-GitHub-Hook-Installation-Target-ID')).toBe('981234');
  expect(await octokitVerify(SECRET, got.body.toString(), header(got.rawHeaders, 'X-Hub-Signature-256'))).toBe(true);
  expect(JSON.parse(result.stdout).webhook).toMatchObject({ provider: 'github', eventType: event, verification: 'valid' });
});

it('refuses --app for a provider whose apps have no webhook of their own, sending nothing', async () => {
  const { db, env, app } = await homeWithApp();
  const result = await runCli(['trigger', 'stripe', 'invoice.paid', '--app', '--to', app.url, '--db', db], { env });
  expect(result.code).toBe(2);
  expect(result.stderr).toBe("error: --app is for GitHub Apps' webhooks; stripe samples are sent as stripe sends them\nhint: leave out --app\n");
  expect(app.received).toEqual([]);
});
