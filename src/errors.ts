// User-facing errors: a message, a hint that says what to do next, and an exit code. Anything else is a bug.

/** An error the user can fix. The CLI prints it without a stack trace. */
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Exit code for command-line usage mistakes (bad flag values), as commander uses. */
export const EXIT_USAGE = 2;

/** Exit code for a command the user called off with Ctrl-C (128 + SIGINT, as a shell reports it). */
export const EXIT_INTERRUPTED = 130;

export function usageError(message: string, hint?: string): UserError {
  return new UserError(message, { hint, exitCode: EXIT_USAGE });
}
