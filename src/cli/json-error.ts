// The one shape of a failure when a command runs with --json: `{"error":{"code","message","hint",…}}`, one line on
// stderr. stdout keeps only what the command promises (an exchange per line), and a script reads every failure from
// stderr without parsing words: not_found.ts and replay's delivery failures write through here.

import { jsonText } from '../output/json-text.js';

/**
 * `fields` say which exchange a per-exchange error is about (replay's `{ replayOf, id }`, retry's `{ id }`). `hint` is
 * always there, null when there is none, so a script can print `.error.hint` without checking for it.
 */
export function writeJsonError(code: string, message: string, hint: string | null | undefined, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${jsonText({ error: { code, message, hint: hint ?? null, ...fields } })}\n`);
}
