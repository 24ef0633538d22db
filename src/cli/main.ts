// The hooktunnel command line: builds the program, runs it, and is the one place errors become messages and exit codes.

import { Command, CommanderError, Help } from 'commander';
import { UserError } from '../errors.js';
import { sanitize } from '../sanitize.js';
import { databaseError, isDamagedDatabase } from '../store/damaged.js';
import { isTransientStoreError } from '../store/write-behind.js';
import { honourOffSwitches } from './boolean-env.js';
import { commandOf, COMMANDS, termOf } from './commands/catalog.js';
import { askedForJson, codeOf, endsWithErrorEvent, errorsAsJson, writeJsonError, writeParseError } from './json-error.js';
import { VERSION } from './version.js';

export { VERSION };

/**
 * The program for a command line: the command it runs (or asks help for) is loaded in full, every other one is only
 * its name and description (see commands/catalog.ts), which is all the list of commands in `--help` shows.
 */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const usages = new Map(COMMANDS.map((entry) => [entry.name, termOf(entry)]));
  const program = new Command('hooktunnel')
    .description('Develop against webhooks: a public URL that forwards to localhost, records every exchange byte for byte, and replays on demand.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Quick start:
  hooktunnel listen 3000            forward webhooks to http://localhost:3000
  hooktunnel ls                     list recorded exchanges
  hooktunnel show 12                one exchange in full
  hooktunnel replay 12              send exchange 12 to the local app again
  hooktunnel wait --match provider=stripe --json    block until such a webhook arrives (scripts, CI)
  hooktunnel listen                 serve the routes of ./hooktunnel.yml (check it: hooktunnel config check)

Environment: NO_COLOR disables colour; HOOKTUNNEL_RELAY, HOOKTUNNEL_TOKEN, HOOKTUNNEL_DB, HOOKTUNNEL_CONFIG set the usual flags
(every command reads the HOOKTUNNEL_CONFIG file's db and secrets, and refuses a path to no file).
Docs: README.md in the package.`,
    )
    .configureHelp({
      subcommandTerm(command: Command): string {
        return usages.get(command.name()) ?? Help.prototype.subcommandTerm.call(this, command);
      },
    });
  const wanted = commandOf(args);
  for (const entry of COMMANDS) {
    program.addCommand(entry === wanted ? await entry.load() : new Command(entry.name).description(entry.description));
  }
  return program;
}

/** Runs the CLI. It sets process.exitCode and lets the event loop drain; it exits early only when stdout's reader is gone. */
export async function run(argv: string[]): Promise<void> {
  // chalk is not loaded yet (--help must not pay for it); it reads FORCE_COLOR when it loads, but never NO_COLOR.
  if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
  // `hooktunnel ls | head` closes the pipe early: that is the reader's choice, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  let program: Command | undefined;
  // The command whose action ran: its flags (once parsed) say whether its errors are to be JSON.
  let ran: Command | undefined;
  // A command whose command line commander refused before it ran, when that line asked it for --json.
  let refusedAsJson: Command | undefined;
  const args = argv.slice(2);
  try {
    program = await buildProgram(args);
    for (const command of all(program)) {
      // Every level, so `config check` or `relay token create` also reports through report() (the stubs have none).
      command.exitOverride();
      // Commander writes its refusal (an unknown option, a missing argument) as it finds it; one for --json is left
      // to report(), which writes it as the JSON error every other failure of the command is.
      command.configureOutput({
        outputError: (text, write) => {
          if (askedForJson(command, args)) refusedAsJson = command;
          else write(text);
        },
      });
    }
    program.hook('preAction', (_program, action) => {
      ran = action;
      honourOffSwitches(action);
    });
    await program.parseAsync(argv);
  } catch (error) {
    const json = ran ? errorsAsJson(ran) : refusedAsJson !== undefined;
    process.exitCode = await report(program ? namingEnvironment(error, all(program)) : error, { json, command: ran ?? refusedAsJson });
  }
}

/**
 * `--timeout "zz" is not a duration`, when the value came from HOOKTUNNEL_TIMEOUT rather than the command line, says
 * so: the user is looking for a flag they never typed.
 */
function namingEnvironment(error: unknown, commands: Command[]): unknown {
  if (!(error instanceof UserError)) return error;
  const flag = /^(--[a-z0-9-]+) "/.exec(error.message)?.[1];
  if (!flag) return error;
  for (const command of commands) {
    const option = command.options.find((o) => o.long === flag);
    if (option?.envVar && command.getOptionValueSource(option.attributeName()) === 'env') {
      const message = error.message.replace(/^(--[a-z0-9-]+ "(?:[^"\\]|\\.)*")/, `$1 (from ${option.envVar})`);
      return new UserError(message, { hint: error.hint, exitCode: error.exitCode, code: error.code, cause: error });
    }
  }
  return error;
}

/**
 * Turns any error into output and an exit code: user errors get a hint, bugs get a stack. With `json` (the command
 * ran with --json, or its command line asked for it; see json-error.ts) either is one JSON error line instead, with
 * the same exit code. `command` is the one that failed.
 */
export async function report(error: unknown, options: { json?: boolean; command?: Command } = {}): Promise<number> {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or help/version, with exit code 0), unless it was left to us for --json.
    if (options.json && options.command && error.exitCode !== 0) writeParseError(options.command, error);
    return error.exitCode === 0 ? 0 : 2;
  }
  // A damaged, full or locked file is not a bug in hooktunnel, whichever statement came upon it.
  if (isDamagedDatabase(error)) error = databaseError(error, true);
  else if (isTransientStoreError(error)) error = databaseError(error as Error, false);
  if (options.json) return reportJson(error, { event: options.command !== undefined && endsWithErrorEvent(options.command) });
  // Its own colour support: stderr may go to a file while stdout is a terminal (`hooktunnel ls 2>err.log`).
  const { chalkStderr: chalk } = await import('chalk');
  if (error instanceof UserError) {
    // Messages can carry a relay's words (a refusal, a reason to go away): escaped like any network text.
    process.stderr.write(`${chalk.red('error:')} ${sanitize(error.message)}\n`);
    if (error.hint) process.stderr.write(`${chalk.dim('hint:')} ${sanitize(error.hint)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`${chalk.red('hooktunnel crashed; this is a bug, please report it:')}\n${crashReport(error)}\n`);
  return 1;
}

function reportJson(error: unknown, options: { event: boolean }): number {
  if (error instanceof UserError) {
    writeJsonError(codeOf(error), error.message, error.hint, {}, options);
    return error.exitCode;
  }
  // Still a bug to report, with the stack the words would have shown.
  const message = `hooktunnel crashed; this is a bug, please report it: ${(error as Error)?.message ?? String(error)}`;
  writeJsonError('bug', message, null, { stack: crashReport(error) }, options);
  return 1;
}

/** A crash's stack, escaped like any network text (its message may quote a header or a relay's words), lines kept. */
export function crashReport(error: unknown): string {
  return sanitize((error as Error)?.stack ?? String(error), { multiline: true });
}
