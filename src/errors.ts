// User-facing errors: a message, a hint that says what to do next, and an exit code. Anything else is a bug.

import type { RelayFailureCode } from './tunnel/relay-failure.js';

/**
 * What a script reads in `{"error":{"code",…}}` when a command run with --json fails (README, "Errors with --json"):
 * stable names, so a script can act on one (add --allow-redacted, --force) without parsing the message. An error that
 * names none gets `usage` (exit 2), `interrupted` (130) or `error` (anything else) from its exit code.
 */
export type UserErrorCode =
  | 'not_found'
  | 'redacted'
  | 'incomplete'
  | 'answered_here'
  | 'not_replayable'
  | 'succeeded'
  | 'in_flight'
  | 'no_database'
  | 'database_damaged'
  | 'database_unavailable'
  | 'not_recorded'
  | 'timeout'
  // `relay name give`: an unknown name or token, a name a client is on now.
  | 'not_reserved'
  | 'no_such_token'
  | 'name_connected'
  // listen's and login's: the relay could not be reached, or refused (src/tunnel/relay-failure.ts names them).
  | RelayFailureCode;

/** An error the user can fix. The CLI prints it without a stack trace. */
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  /** For --json; see UserErrorCode. */
  readonly code: UserErrorCode | undefined;

  constructor(message: string, options: { hint?: string; exitCode?: number; code?: UserErrorCode; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
    this.code = options.code;
  }
}

/** Exit code for command-line usage mistakes (bad flag values), as commander uses. */
export const EXIT_USAGE = 2;

/** Exit code for a command the user called off with Ctrl-C (128 + SIGINT, as a shell reports it). */
export const EXIT_INTERRUPTED = 130;

export function usageError(message: string, hint?: string, code?: UserErrorCode): UserError {
  return new UserError(message, { hint, exitCode: EXIT_USAGE, code });
}
