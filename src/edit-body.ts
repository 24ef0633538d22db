// `replay --edit` and the TUI's `e`: opens the recorded body in $EDITOR (JSON pretty-printed, and the JSON of a form's
// one `payload` field, as GitHub and Slack post it) and returns what was saved.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_INTERRUPTED, UserError } from './errors.js';
import type { HeaderPairs } from './exchange.js';
import { encodeFormJsonField, formJsonField } from './form-json-field.js';
import { ignoreTerminalSignals } from './ignore-terminal-signals.js';
import { prettyJsonLines } from './output/pretty-json.js';

/** The editor command: $VISUAL, $EDITOR, else vi. It may carry arguments ("code --wait"). */
function editorCommand(env: NodeJS.ProcessEnv): string {
  return env.VISUAL || env.EDITOR || 'vi';
}

/**
 * Pretty text past this many times the body's size (and a little) is not offered; the body opens as it is. JSON
 * prints at two or three times its size, but nesting indents every line inside it: a 250 KB body nested 1,500 deep
 * would be a 374 MB file, written while listen, whose thread this is, forwards nothing.
 */
const MAX_PRETTY_GROWTH = 4;
const PRETTY_SLACK_CHARS = 64 * 1024;

function prettyJson(body: Buffer): string | undefined {
  const text = body.toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  // From the text, not the parsed value: a parsed 820982911946154508 would be sent back as 820982911946154500.
  const pretty = prettyJsonLines(text, MAX_PRETTY_GROWTH * body.length + PRETTY_SLACK_CHARS);
  return pretty.complete ? `${pretty.lines.join('\n')}\n` : undefined;
}

/** How the editor ended: its exit code, the signal that ended it, or why it could not start. */
type EditorEnd = { code: number | null; signal: NodeJS.Signals | null } | { error: Error };

/**
 * Runs the editor on the file and resolves when it exits. Asynchronous on purpose: `listen` forwards and records on
 * this thread while the editor is open. Ctrl-C meanwhile is the editor's (see ignoreTerminalSignals).
 */
function runEditor(editor: string, file: string, env: NodeJS.ProcessEnv): Promise<EditorEnd> {
  const restoreSignals = ignoreTerminalSignals();
  return new Promise<EditorEnd>((resolve) => {
    // Through the shell, as git does, so EDITOR="code --wait" works. The shell traps Ctrl-C (its child still gets the
    // default): dying of it, it would report the edit over while an editor that handles Ctrl-C still has the terminal.
    const command = `trap : INT QUIT; ${editor} "$HOOKTUNNEL_EDIT_FILE"`;
    const child = spawn(command, { shell: true, stdio: 'inherit', env: { ...env, HOOKTUNNEL_EDIT_FILE: file } });
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  }).finally(restoreSignals);
}

function endText(end: EditorEnd): string | undefined {
  if ('error' in end) return end.error.message;
  if (end.signal) return `ended by ${end.signal}`;
  return end.code === 0 ? undefined : `exit ${end.code}`;
}

/**
 * Ctrl-C in the editor: the shell that runs it reports its death by SIGINT as 130 (128 + 2), as does an editor that
 * exits on Ctrl-C by itself. The user called the edit off; that is no editor failure, and its hint would mislead.
 */
function interrupted(end: EditorEnd): boolean {
  return !('error' in end) && (end.signal === 'SIGINT' || end.code === EXIT_INTERRUPTED);
}

/** The edit was called off with Ctrl-C in the editor: nothing is sent. */
export class EditAborted extends UserError {
  constructor() {
    super('edit aborted (Ctrl-C in the editor)', { exitCode: EXIT_INTERRUPTED });
  }
}

/** What the editor shows for a body, and how the saved text becomes the body again. */
interface Editable {
  shown: Buffer;
  fileName: string;
  toBody(saved: Buffer): Buffer;
}

function editable(headers: HeaderPairs, body: Buffer): Editable {
  const field = formJsonField(headers, body);
  const fieldPretty = field && prettyJson(Buffer.from(field.json));
  if (field && fieldPretty !== undefined) {
    // The edited JSON goes back into the field it came from, encoded again: the app parses `payload` as before.
    const toBody = (saved: Buffer) => encodeFormJsonField(field.name, saved.toString('utf8'));
    // The file is named after the field (payload.json) only when the name, which came from the network, is a plain word.
    const fileName = /^[A-Za-z0-9_-]{1,64}$/.test(field.name) ? `${field.name}.json` : 'body.json';
    return { shown: Buffer.from(fieldPretty), fileName, toBody };
  }
  const pretty = prettyJson(body);
  if (pretty !== undefined) return { shown: Buffer.from(pretty), fileName: 'body.json', toBody: (saved) => saved };
  return { shown: body, fileName: 'body.txt', toBody: (saved) => saved };
}

/** The request to edit: its body, and its headers, whose Content-Type says how the body is encoded. */
export interface EditedRequest {
  requestHeaders: HeaderPairs;
  requestBody: Buffer;
}

/**
 * Returns the edited body; rejects with EditAborted on Ctrl-C in the editor. Saved unchanged, the original bytes come back exactly (not the pretty-printed text),
 * so opening the editor and quitting never alters what is sent.
 */
export async function editBody(request: EditedRequest, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const body = request.requestBody;
  const { shown, fileName, toBody } = editable(request.requestHeaders, body);
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-edit-'));
  const file = join(dir, fileName);
  try {
    writeFileSync(file, shown, { mode: 0o600 });
    const editor = editorCommand(env);
    const end = await runEditor(editor, file, env);
    if (interrupted(end)) throw new EditAborted();
    const failure = endText(end);
    if (failure) {
      throw new UserError(`the editor "${editor}" did not finish successfully (${failure})`, {
        hint: 'set $EDITOR to an editor that waits until you close the file, or use --body-file',
      });
    }
    const saved = readFileSync(file);
    return saved.equals(shown) ? body : toBody(saved);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Saves an edited body that could not be sent (listen stopped while the editor was open) where the user can find it,
 * readable by them alone as the recorded body is; returns its path, for `replay --body-file`.
 */
export function keepEditedBody(id: number, body: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hooktunnel-edit-')), `body-of-${id}`);
  writeFileSync(file, body, { mode: 0o600 });
  return file;
}
