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
