// The one shape of a failure when a command runs with --json: `{"error":{"code","message","hint",…}}`, one line on
// stderr (README, "Errors with --json"). stdout keeps only what the command promises (an exchange per line, an
// array…), and a script reads every failure from stderr without parsing words: not_found.ts, the per-exchange
// delivery failures and main.ts's handler for whatever a command throws all write through here.

import type { Command, CommanderError } from 'commander';
import { EXIT_INTERRUPTED, EXIT_USAGE, type UserError } from '../errors.js';
import { jsonText } from '../output/json-text.js';

/**
 * `fields` say which exchange a per-exchange error is about (replay's `{ replayOf, id }`, retry's `{ id }`). `hint` is
 * always there, null when there is none, so a script can print `.error.hint` without checking for it. With `event`
 * (the failure of a command whose stdout is a stream of events, see withJsonErrors) the same fields also end that
 * stream, as `{"type":"error",…}`.
 */
export function writeJsonError(
  code: string,
  message: string,
  hint: string | null | undefined,
  fields: Record<string, unknown> = {},
  { event = false }: { event?: boolean } = {},
): void {
  const error = { code, message, hint: hint ?? null, ...fields };
  if (event) process.stdout.write(`${jsonText({ type: 'error', ...error })}\n`);
  process.stderr.write(`${jsonText({ error })}\n`);
}

/** The code a script sees for a UserError: its own, or one its exit code implies. */
export function codeOf(error: UserError): string {
  if (error.code) return error.code;
  if (error.exitCode === EXIT_USAGE) return 'usage';
  if (error.exitCode === EXIT_INTERRUPTED) return 'interrupted';
  return 'error';
}

const reportsJson = new WeakSet<Command>();
const endsEvents = new WeakSet<Command>();

/**
 * Marks a command whose --json covers its failures too: what it throws reaches main.ts's handler, which writes it as
 * one JSON error when the command ran with --json. `events`: its --json stdout is a stream of events (listen's, web's),
 * and a script reading only that stream learns why it ended from a last `error` event as well. `config check --json`,
 * whose failures are its answer (`"valid": false` on stdout), is not marked.
 */
export function withJsonErrors(command: Command, { events = false }: { events?: boolean } = {}): Command {
  reportsJson.add(command);
  if (events) endsEvents.add(command);
  return command;
}

/** Whether this command's failure with --json also ends its stdout events (listen's, web's). */
export function endsWithErrorEvent(command: Command): boolean {
  return endsEvents.has(command);
}

/** Whether this command ran with --json and reports its errors that way (export's `--json <file>` counts). */
export function errorsAsJson(command: Command): boolean {
  return reportsJson.has(command) && Boolean(command.opts().json);
}

/**
 * Whether a command line that commander refused before the command ran (an unknown option, a missing argument) asked
 * this command for JSON. Its words are read rather than its flags: commander stops at the first mistake, which can come
 * before it has read a later `--json` (a value it refuses as it reads it). `args` are the words after `hooktunnel`.
 */
export function askedForJson(command: Command, args: readonly string[]): boolean {
  if (!reportsJson.has(command)) return false;
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((word) => word === '--json' || word.startsWith('--json='));
}

/**
 * Commander's refusal of the command line, as the JSON error of a command asked for --json: its words (without
 * `error: `), code `usage`, and the command's --help as the hint, after commander's guess at a misspelt option.
 */
export function writeParseError(command: Command, error: CommanderError): void {
  const [message, ...rest] = error.message.replace(/^error: /, '').split('\n');
  const guess = /^\(Did you mean (.+)\?\)$/.exec(rest.join(' '))?.[1];
  const help = `see \`${commandPath(command)} --help\``;
  writeJsonError('usage', message, guess ? `did you mean ${guess}? ${help}` : help, {}, { event: endsWithErrorEvent(command) });
}

/** `hooktunnel ls`, `hooktunnel config check`: what to type before --help. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}
