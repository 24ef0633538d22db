// `config check` says when a secret the file gives is not the one hooktunnel uses: a HOOKTUNNEL_SECRET_<PROVIDER>
// variable wins over the file (flags, then variables, then files), so the file's secret is never tried.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { home } from '../nothing-lost/helpers.js';

describe('config check and the secrets of hooktunnel.yml', () => {
  it('names a secret a variable overrides, in text and JSON, and leaves the others plain', async () => {
    const h = home();
    const config = join(h.dir, 'hooktunnel.yml');
    writeFileSync(config, 'secrets:\n  stripe: whsec_from_file\n  github: gh_from_file\nroutes:\n  /stripe: 3000\n');
    const env = { ...h.env, HOOKTUNNEL_SECRET_STRIPE: 'whsec_from_env' };

    const text = await runCli(['config', 'check', '--config', config], { env });
    expect([text.code, text.stderr]).toEqual([0, '']);
    expect(text.stdout).toContain('  secrets: stripe (not used: HOOKTUNNEL_SECRET_STRIPE is set, and wins over the file), github\n');
    expect(text.stdout).not.toContain('whsec_from');

    const json = JSON.parse((await runCli(['config', 'check', '--config', config, '--json'], { env })).stdout);
    expect(json).toMatchObject({ valid: true, secrets: ['stripe', 'github'], overriddenSecrets: [{ provider: 'stripe', by: 'HOOKTUNNEL_SECRET_STRIPE' }] });

    const plain = await runCli(['config', 'check', '--config', config], { env: h.env });
    expect(plain.stdout).toContain('  secrets: stripe, github\n');
  });
});

describe('config check and a per-path secret beside a route of the same prefix', () => {
  // A route /slack takes /slack/events; a secret for /slack takes /slack alone: webhooks of the route arrived unchecked.
  it('says which part of the route the secret leaves out, unless another secret of the provider covers it', async () => {
    const h = home();
    const config = join(h.dir, 'hooktunnel.yml');
    writeFileSync(
      config,
      'secrets:\n  slack:\n    /slack: s1\n  shopify:\n    /webhooks/shopify/*: s2\n  github:\n    /gh: s3\n    /gh/*: s3\n  stripe:\n    /elsewhere: s4\n' +
        'routes:\n  /slack: 3000\n  /webhooks/shopify: 3000\n  /gh: 3000\n  /stripe: 3000\n',
    );
    const slackNote = 'the slack secret for /slack takes that exact path only, not the rest of the route /slack (/slack/…): add one for "/slack/*" if those get webhooks';
    const shopifyNote = 'the shopify secret for /webhooks/shopify/* takes the paths below /webhooks/shopify/, not the route\'s /webhooks/shopify itself: add one for "/webhooks/shopify" too if it gets webhooks';

    const text = await runCli(['config', 'check', '--config', config], { env: h.env });
    expect([text.code, text.stderr]).toEqual([0, '']);
    expect(text.stdout).toContain(`  secrets: slack, shopify, github, stripe\n  note: ${slackNote}\n  note: ${shopifyNote}\nroutes`);

    const json = JSON.parse((await runCli(['config', 'check', '--config', config, '--json'], { env: h.env })).stdout);
    expect(json).toMatchObject({ valid: true, secretNotes: [slackNote, shopifyNote] });
  });

  it('says nothing when a wider secret of the provider (`*`, or a /prefix/* above the route) takes the rest', async () => {
    const h = home();
    const config = join(h.dir, 'hooktunnel.yml');
    writeFileSync(config, 'secrets:\n  slack:\n    /slack: s1\n    "*": s2\n  shopify:\n    /webhooks/shopify/*: s3\n    /webhooks/*: s4\nroutes:\n  /slack: 3000\n  /webhooks/shopify: 3000\n');
    const json = JSON.parse((await runCli(['config', 'check', '--config', config, '--json'], { env: h.env })).stdout);
    expect(json).toMatchObject({ valid: true, secretNotes: [] });
  });
});
