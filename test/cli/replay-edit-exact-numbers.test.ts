// `replay --edit` opens JSON pretty-printed from its text, not from a parsed value: Shopify's sample order ids are past
// 2^53, and a parsed 820982911946154508 would be written into the file, and sent, as 820982911946154500.

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { homeWithApp, record } from './recorded.js';

it('sends every number of an edited body as the recording wrote it, only the edit changed', async () => {
  const { db, env, app, dir } = await homeWithApp();
  const body = '{"id":820982911946154508,"customer":{"id":115310627314723954},"total_weight":1.50,"note":"old"}';
  const [id] = record(db, [{ target: app.url, status: 200, body }]);
  // An editor that changes the note and nothing else.
  const editor = join(dir, 'editor.sh');
  writeFileSync(editor, `#!/bin/sh\nsed -i 's/"old"/"new"/' "$1"\n`);
  chmodSync(editor, 0o755);
  const result = await runCli(['replay', String(id), '--edit', '--db', db], { env: { ...env, EDITOR: editor, VISUAL: '' } });
  expect(result.code).toBe(0);
  const sent = app.received[0].body.toString();
  expect(sent.replace(/\s/g, '')).toBe(body.replace('"old"', '"new"'));
});
