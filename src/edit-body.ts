// `replay --edit`: opens the recorded body in $EDITOR (JSON pretty-printed) and returns what the user saved.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from './errors.js';

/** The editor command: $VISUAL, $EDITOR, else vi. It may carry arguments ("code --wait"). */
function editorCommand(env: NodeJS.ProcessEnv): string {
  return env.VISUAL || env.EDITOR || 'vi';
}

function prettyJson(body: Buffer): string | undefined {
  try {
    return `${JSON.stringify(JSON.parse(body.toString('utf8')), null, 2)}\n`;
  } catch {
    return undefined;
  }
}

/**
 * Returns the edited body. Saved unchanged, the original bytes come back exactly (not the pretty-printed text),
 * so opening the editor and quitting never alters what is sent.
 */
export function editBody(body: Buffer, env: NodeJS.ProcessEnv = process.env): Buffer {
  const pretty = prettyJson(body);
  const shown = pretty !== undefined ? Buffer.from(pretty) : body;
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-edit-'));
  const file = join(dir, pretty !== undefined ? 'body.json' : 'body.txt');
  try {
    writeFileSync(file, shown, { mode: 0o600 });
    const editor = editorCommand(env);
    // Through the shell, as git does, so EDITOR="code --wait" works.
    const result = spawnSync(`${editor} "$HOOKTUNNEL_EDIT_FILE"`, { shell: true, stdio: 'inherit', env: { ...env, HOOKTUNNEL_EDIT_FILE: file } });
    if (result.error || result.status !== 0) {
      throw new UserError(`the editor "${editor}" did not finish successfully (exit ${result.status ?? result.error?.message})`, {
        hint: 'set $EDITOR to an editor that waits until you close the file, or use --body-file',
      });
    }
    const saved = readFileSync(file);
    return saved.equals(shown) ? body : saved;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
