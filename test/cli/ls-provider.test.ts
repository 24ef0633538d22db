// `ls --provider` (and export's) takes a provider's name in any case, and refuses one hooktunnel never records instead
// of answering "no exchanges match" for ever.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';

const home = tempHome();
afterAll(() => home.cleanup());
const ls = (...argv: string[]) => runCli(['ls', '--db', home.db, ...argv], { env: home.env });

beforeAll(async () => {
  const app = await startLocalApp();
  const sent = await runCli(['trigger', 'github', 'push', '--to', String(app.port), '--db', home.db], { env: home.env });
  await app.close();
  expect(sent.code, sent.stderr).toBe(0);
});

describe('ls --provider', () => {
  it('takes the name in any case', async () => {
    const result = await ls('--provider', 'GitHub', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).map((e: { webhook: { provider: string } }) => e.webhook.provider)).toEqual(['github']);
  });

  it('takes svix as the standard provider it is recorded as', async () => {
    expect(await ls('--provider', 'svix')).toMatchObject({ code: 0, stdout: 'no exchanges match\n' });
  });

  it('refuses a name no exchange can have, with the names it takes: exit 2', async () => {
    expect(await ls('--provider', 'gh')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --provider "gh" is not a provider hooktunnel recognises, so nothing would match\nhint: one of stripe, github, shopify, slack, twilio, standard (alias svix), hmac\n',
      stdoutBytes: Buffer.alloc(0),
    });
  });
});
