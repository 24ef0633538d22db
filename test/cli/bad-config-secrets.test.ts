// A mistake in config.json's `secrets` names the file it is in, so the user knows what to fix.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';

const home = tempHome();
afterAll(() => home.cleanup());

it('a bad secrets entry in config.json is an error naming config.json, and nothing is sent or recorded', async () => {
  const dir = join(home.env.XDG_CONFIG_HOME, 'hooktunnel');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ secrets: { stripe: 5 } }));
  const result = await runCli(['trigger', 'stripe', 'invoice.paid', '--to', '1', '--db', home.db], { env: home.env });
  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    `error: ${file}: "secrets.stripe" is not a secret string, a list of them or a { path: secret } object\n` +
      'hint: fix or remove that entry; secrets are written {"secrets": {"stripe": "whsec_…", "github": {"/gh": "…"}}}\n',
  );
  expect(existsSync(home.db)).toBe(false);
});
