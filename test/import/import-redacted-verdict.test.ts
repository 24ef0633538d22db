// An archive written by `export --redact` holds [REDACTED] where a signed value was (a signature header, a body field),
// so a signature check of what it holds fails whatever the secret. import recorded that as an invalid signature (✗ in
// `ls`, counted by `--failed`); it is "not checked: stored redacted", as `verify` says of such a recording.

import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp } from '../helpers/http.js';

it('import of an archive exported with --redact records the signature as not checked, not invalid', async () => {
  const home = tempHome();
  onCleanup(home.cleanup);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  const secret = ['--secret', 'slack=s3cret'];
  const sent = await runCli(['trigger', 'slack', 'app_mention', '--to', app.url, '--path', '/slack/events', ...secret, '--db', home.db], { env: home.env });
  expect(sent.code, sent.stderr).toBe(0);
  const har = join(home.dir, 'bug.har');
  const exported = await runCli(['export', '--har', har, '--redact', 'header:x-slack-signature', '--db', home.db], { env: home.env });
  expect(exported.code, exported.stderr).toBe(0);

  const other = join(home.dir, 'other.db');
  const imported = await runCli(['import', har, ...secret, '--db', other], { env: home.env });
  expect(imported.code, imported.stderr).toBe(0);
  const listed = JSON.parse((await runCli(['ls', '--json', '--db', other], { env: home.env })).stdout);
  expect(listed).toMatchObject([
    { redacted: ['header:x-slack-signature'], webhook: { verification: 'unchecked', reason: 'stored redacted (header:x-slack-signature): the signed bytes are not all kept' } },
  ]);
  expect(JSON.parse((await runCli(['ls', '--failed', '--json', '--db', other], { env: home.env })).stdout)).toEqual([]);
});
