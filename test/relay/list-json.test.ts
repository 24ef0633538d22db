// `relay token list --json` and `relay name list --json` (the real CLI against a real relay's state): one array of
// objects with the fields the text shows, as `relay token revoke` and `relay name give` already answer in JSON.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';
import { onCleanup, openSession } from './helpers.js';
import { relayCli } from './relay-process.js';

const MINUTE = /^\d{4}-\d\d-\d\d \d\d:\d\d$/;

function home() {
  const h = tempHome();
  onCleanup(h.cleanup);
  return h;
}

it('an empty relay lists [] for both, on stdout alone', async () => {
  const h = home();
  for (const what of ['token', 'name']) {
    const listed = await runCli(['relay', what, 'list', '--json'], { env: h.env });
    expect([listed.code, listed.stdout, listed.stderr]).toEqual([0, '[]\n', '']);
  }
});

it('lists stored and given tokens with their names, and each name with its token (null for one revoked)', async () => {
  const h = home();
  const tokenFile = join(h.dir, 'tokens');
  writeFileSync(tokenFile, 'file-secret-1\n');
  const env = { ...h.env, HOOKTUNNEL_RELAY_TOKENS: 'env-secret-1' };
  const create = async (name: string) => (await runCli(['relay', 'token', 'create', '--name', name], { env: h.env })).stdout.trim();
  const laptop = await create('laptop');
  const old = await create('old');
  const relay = await relayCli(['--quiet', '--token-file', tokenFile], env);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  for (const [token, name] of [[laptop, 'laptop-app'], [old, 'old-app'], ['file-secret-1', 'ci-app']]) await openSession(relay.url, app.port, { token, name });
  expect((await runCli(['relay', 'token', 'revoke', 'old'], { env: h.env })).code).toBe(0);

  const tokens = await runCli(['relay', 'token', 'list', '--json', '--token-file', tokenFile], { env });
  expect([tokens.code, tokens.stderr]).toEqual([0, '']);
  expect(JSON.parse(tokens.stdout)).toEqual([
    { name: 'laptop', source: 'stored', created: expect.stringMatching(MINUTE), names: ['laptop-app'] },
    { name: 'HOOKTUNNEL_RELAY_TOKENS #1', source: 'environment', created: null, names: [] },
    { name: `${tokenFile} #1`, source: 'token file', created: null, names: ['ci-app'] },
  ]);
  expect(tokens.stdout).not.toContain('secret-1');

  const names = await runCli(['relay', 'name', 'list', '--json', '--token-file', tokenFile], { env });
  expect([names.code, names.stderr]).toEqual([0, '']);
  expect(JSON.parse(names.stdout)).toEqual([
    { name: 'ci-app', claimed: expect.stringMatching(MINUTE), token: `${tokenFile} #1` },
    { name: 'laptop-app', claimed: expect.stringMatching(MINUTE), token: 'laptop' },
    { name: 'old-app', claimed: expect.stringMatching(MINUTE), token: null, tokenDigest: createHash('sha256').update(old).digest('hex').slice(0, 12) },
  ]);
});

it('a token file that cannot be read: the array of the rest, then the error as JSON on stderr', async () => {
  const h = home();
  expect((await runCli(['relay', 'token', 'create', '--name', 'laptop'], { env: h.env })).code).toBe(0);
  const listed = await runCli(['relay', 'token', 'list', '--json', '--token-file', join(h.dir, 'missing')], { env: h.env });
  expect(listed.code).not.toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'laptop', source: 'stored' })]);
  expect(JSON.parse(listed.stderr).error.message).toContain('missing');
});
