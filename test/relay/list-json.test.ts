// `relay token list --json` and `relay name list --json` (the real CLI against a real relay's state): one array of
// objects with the fields the text shows, as `relay token revoke` and `relay name give` already answer in JSON. The
// lists of a relay with stored, given and revoked tokens are in cli.test.ts, beside their text.

import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from './helpers.js';

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

it('a token file that cannot be read: the array of the rest, then the error as JSON on stderr', async () => {
  const h = home();
  expect((await runCli(['relay', 'token', 'create', '--name', 'laptop'], { env: h.env })).code).toBe(0);
  const listed = await runCli(['relay', 'token', 'list', '--json', '--token-file', join(h.dir, 'missing')], { env: h.env });
  expect(listed.code).not.toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'laptop', source: 'stored' })]);
  expect(JSON.parse(listed.stderr).error.message).toContain('missing');
});
