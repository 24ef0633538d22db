// The hooktunnel command line: builds the program, runs it, and is the one place errors become messages and exit codes.

import { Command, CommanderError } from 'commander';
import chalk from 'chalk';
import { UserError } from '../errors.js';
import { sanitize } from '../sanitize.js';
import { listenCommand } from './commands/listen.js';
import { relayCommand } from './commands/relay.js';
import { lsCommand } from './commands/ls.js';
import { showCommand } from './commands/show.js';
import { replayCommand } from './commands/replay.js';
import { retryCommand } from './commands/retry.js';
import { pruneCommand } from './commands/prune.js';
import { inspectCommand } from './commands/inspect.js';
import { loginCommand } from './commands/login.js';
import { verifyCommand } from './commands/verify.js';
import { triggerCommand } from './commands/trigger.js';
import { exportCommand } from './commands/export.js';
import { waitCommand } from './commands/wait.js';
import { diffCommand } from './commands/diff.js';
import { importCommand } from './commands/import.js';
import { configCommand } from './commands/config.js';
import { webCommand } from './commands/web.js';
import { VERSION } from './version.js';

export { VERSION };

export function buildProgram(): Command {
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

Environment: NO_COLOR disables colour; HOOKTUNNEL_RELAY, HOOKTUNNEL_TOKEN, HOOKTUNNEL_DB, HOOKTUNNEL_CONFIG set the usual flags.
Docs: README.md in the package.`,
    );
  for (const command of [
    listenCommand(),
    inspectCommand(),
    webCommand(),
    lsCommand(),
    showCommand(),
    replayCommand(),
    retryCommand(),
    verifyCommand(),
    triggerCommand(),
    waitCommand(),
    diffCommand(),
    exportCommand(),
    importCommand(),
    pruneCommand(),
    configCommand(),
    relayCommand(),
    loginCommand(),
  ]) {
    program.addCommand(command);
  }
  return program;
}

/** Runs the CLI. It sets process.exitCode and lets the event loop drain; it exits early only when stdout's reader is gone. */
export async function run(argv: string[]): Promise<void> {
  if (process.env.NO_COLOR) chalk.level = 0;
  // `hooktunnel ls | head` closes the pipe early: that is the reader's choice, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const program = buildProgram();
  program.exitOverride();
  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  for (const command of all(program)) command.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = report(error);
  }
}

/** Turns any error into output and an exit code: user errors get a hint, bugs get a stack. */
export function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or help/version, with exit code 0).
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UserError) {
    // Messages can carry a relay's words (a refusal, a reason to go away): escaped like any network text.
    process.stderr.write(`${chalk.red('error:')} ${sanitize(error.message)}\n`);
    if (error.hint) process.stderr.write(`${chalk.dim('hint:')} ${sanitize(error.hint)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`${chalk.red('hooktunnel crashed; this is a bug, please report it:')}\n${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}
