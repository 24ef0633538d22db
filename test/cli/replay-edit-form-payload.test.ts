// GitHub posts a hook whose content type is "application/x-www-form-urlencoded" as `payload=<url-encoded JSON>`, and
// Slack its interactivity the same way. `replay --edit` opens the JSON inside, pretty-printed, not the percent-encoded
// bytes, and sends the edit back in that field, re-signed.

import { createHmac } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { homeWithApp, record } from './recorded.js';

const SECRET = 'gh-form-secret';
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

function githubFormDelivery(json: string): { headers: [string, string][]; body: string } {
  const body = `payload=${encodeURIComponent(json)}`;
  return {
    headers: [
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['User-Agent', 'GitHub-Hookshot/4f8b9a2'],
      ['X-GitHub-Event', 'pull_request'],
      ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
      ['X-Hub-Signature-256', sign(body)],
    ],
    body,
  };
}

/** An editor script that copies the file it was given to `opened`, then runs `edit` (a shell command) on it. */
function editorScript(dir: string, edit: string): { editor: string; opened: string } {
  const opened = join(dir, 'opened');
  const editor = join(dir, 'editor.sh');
  writeFileSync(editor, `#!/bin/sh\ncp "$1" '${opened}'\necho "$1" > '${opened}.name'\n${edit}\n`);
  chmodSync(editor, 0o755);
  return { editor, opened };
}

it('opens the JSON inside a form payload pretty-printed and sends the edit back in that field, re-signed', async () => {
  const { db, env, app, dir } = await homeWithApp();
  const json = '{"action":"opened","number":214,"pull_request":{"id":1998234571,"title":"Fix a + b & c"}}';
  const { headers, body } = githubFormDelivery(json);
  const [id] = record(db, [{ target: app.url, status: 200, body, headers }]);
  const { editor, opened } = editorScript(dir, `sed -i 's/"opened"/"closed"/' "$1"`);

  const result = await runCli(['replay', String(id), '--edit', '--secret', `github=${SECRET}`, '--db', db], {
    env: { ...env, EDITOR: editor, VISUAL: '' },
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);

  // The editor got the JSON as a person reads it, in a file named after the field.
  const shown = readFileSync(opened, 'utf8');
  expect(shown).toContain('  "action": "opened",\n');
  expect(shown).toContain('"title": "Fix a + b & c"');
  expect(readFileSync(`${opened}.name`, 'utf8').trim()).toMatch(/\/payload\.json$/);

  // The app got a form again, whose payload is the edited JSON, with a signature over the bytes it got.
  const [received] = app.received;
  const fields = [...new URLSearchParams(received.body.toString())];
  expect(fields.map(([name]) => name)).toEqual(['payload']);
  expect(JSON.parse(fields[0][1])).toEqual({ ...JSON.parse(json), action: 'closed' });
  const signature = received.rawHeaders[received.rawHeaders.findIndex((h) => h.toLowerCase() === 'x-hub-signature-256') + 1];
  expect(signature).toBe(sign(received.body.toString()));
});

it('sends the recorded form bytes when the pretty payload is saved unchanged', async () => {
  const { db, env, app, dir } = await homeWithApp();
  const { headers, body } = githubFormDelivery('{"zen":"Design for failure.","hook_id":123}');
  const [id] = record(db, [{ target: app.url, status: 200, body, headers }]);
  const { editor, opened } = editorScript(dir, 'true');
  const result = await runCli(['replay', String(id), '--edit', '--db', db], { env: { ...env, EDITOR: editor, VISUAL: '' } });
  expect(result.code).toBe(0);
  expect(readFileSync(opened, 'utf8')).toBe('{\n  "zen": "Design for failure.",\n  "hook_id": 123\n}\n');
  // Not re-encoded: the bytes GitHub signed, percent-escapes as it wrote them.
  expect(app.received.map((r) => r.body.toString())).toEqual([body]);
});
