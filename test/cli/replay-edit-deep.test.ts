// `replay --edit` (and the TUI's `e`, on listen's own thread) opens JSON pretty-printed, unless its pretty text would
// be many times the body: nesting indents every line inside it, and a 250 KB body would have been a 374 MB file.

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { homeWithApp, record } from './recorded.js';

it('opens a JSON body nested deep as it is, and sends it unchanged when saved so', async () => {
  const { db, env, app, dir } = await homeWithApp();
  // Arrays 1,000 deep, 20 times: 40 KB whose pretty text is ~40 million characters.
  const nest = `${'['.repeat(1_000)}${']'.repeat(1_000)}`;
  const body = `[${new Array(20).fill(nest).join(',')}]`;
  const [id] = record(db, [{ target: app.url, status: 200, body }]);
  // An editor that only notes the size of the file it was given.
  const opened = join(dir, 'opened-bytes');
  const editor = join(dir, 'editor.sh');
  writeFileSync(editor, `#!/bin/sh\nwc -c < "$1" > '${opened}'\n`);
  chmodSync(editor, 0o755);
  const result = await runCli(['replay', String(id), '--edit', '--db', db], { env: { ...env, EDITOR: editor, VISUAL: '' } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(Number(readFileSync(opened, 'utf8'))).toBe(body.length);
  expect(app.received.map((r) => r.body.toString())).toEqual([body]);
});
