// `hooktunnel trigger` in a project with hooktunnel.yml routes and no --to: the sample goes to the app behind the
// route that takes --path, as listen would send a delivery to that path (it went to localhost:3000 regardless).

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp } from '../helpers/http.js';

async function project() {
  const h = tempHome();
  onCleanup(h.cleanup);
  const stripeApp = await startLocalApp();
  onCleanup(() => stripeApp.close());
  const githubApp = await startLocalApp();
  onCleanup(() => githubApp.close());
  writeFileSync(
    join(h.dir, 'hooktunnel.yml'),
    `db: capture.db
routes:
  /webhooks/stripe: ${stripeApp.url}/webhooks/stripe
  /webhooks/github: ${githubApp.url}
  /health:
    mock: { status: 200, body: ok }
`,
  );
  return { ...h, stripeApp, githubApp };
}

describe('trigger with hooktunnel.yml routes', () => {
  it('sends to the app of the route that takes --path, with the rest of the path, and records the route', async () => {
    const p = await project();
    const stripe = await runCli(['trigger', 'stripe', 'invoice.paid', '--path', '/webhooks/stripe', '--json'], { env: p.env, cwd: p.dir });
    expect(stripe.code).toBe(0);
    expect(p.stripeApp.received.map((r) => r.url)).toEqual(['/webhooks/stripe']);
    expect(JSON.parse(stripe.stdout)).toMatchObject({ path: '/webhooks/stripe', route: '/webhooks/stripe', target: `${p.stripeApp.url}/webhooks/stripe`, status: 200 });

    const github = await runCli(['trigger', 'github', 'push', '--path', '/webhooks/github/push'], { env: p.env, cwd: p.dir });
    expect(github.code).toBe(0);
    expect(p.githubApp.received.map((r) => r.url)).toEqual(['/push']);
    // In the project's store, where its listen records.
    expect(existsSync(join(p.dir, 'capture.db'))).toBe(true);
  });

  it('refuses a path no route takes, or a mock route, naming the routes; nothing is sent or recorded', async () => {
    const p = await project();
    for (const path of ['/', '/health']) {
      const result = await runCli(['trigger', 'stripe', 'invoice.paid', '--path', path], { env: p.env, cwd: p.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('hint: give --path under one of its routes (/webhooks/stripe, /webhooks/github), or --to <port|url>');
    }
    expect(p.stripeApp.received).toHaveLength(0);
    expect(existsSync(join(p.dir, 'capture.db'))).toBe(false);
  });

  it('sends where --to says, routes or not', async () => {
    const p = await project();
    const result = await runCli(['trigger', 'github', 'push', '--to', p.githubApp.url, '--path', '/webhooks/stripe'], { env: p.env, cwd: p.dir });
    expect(result.code).toBe(0);
    expect(p.githubApp.received.map((r) => r.url)).toEqual(['/webhooks/stripe']);
    expect(p.stripeApp.received).toHaveLength(0);
  });
});
