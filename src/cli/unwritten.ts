// Commands that record and then exit (trigger, replay, retry, verify, import): writes the store could not take (a
// full disk, a lock another process holds) wait in memory, and are lost with the process. Said, with exit status 1,
// instead of printing the result as recorded.

import { chalkStderr } from 'chalk';
import { UserError, type UserErrorCode } from '../errors.js';
import type { Store } from '../store/store.js';
import { writeJsonError } from './json-error.js';

export const NOT_RECORDED_HINT = 'free disk space (`hooktunnel prune --older-than 7d` frees room inside the file), or end what holds the database locked, then try again';

/** Prints that `what` was not (all) recorded (a JSON error with `json`), and sets exit status 1; nothing when everything is written. */
export function reportUnwritten(store: Store, what: string, json = false): void {
  const why = store.unwritten();
  if (!why) return;
  const message = `${what} could not be recorded in ${store.path}: ${why.message}`;
  if (json) writeJsonError('not_recorded' satisfies UserErrorCode, message, NOT_RECORDED_HINT);
  else process.stderr.write(`${chalkStderr.red('error:')} ${message}\n${chalkStderr.dim('hint:')} ${NOT_RECORDED_HINT}\n`);
  process.exitCode = 1;
}

/** That `what` could not be recorded, for `why`: the error to throw (exit 1, code not_recorded). */
export function unwrittenError(message: string, why: Error, hintMore = ''): UserError {
  return new UserError(message, { hint: `${NOT_RECORDED_HINT}${hintMore}`, code: 'not_recorded', cause: why });
}

/** The same as an error to throw, for a command whose whole point is the writing (import). */
export function throwIfUnwritten(store: Store, what: string): void {
  const why = store.unwritten();
  if (why) throw unwrittenError(`${what} could not be recorded in ${store.path}: ${why.message}`, why);
}
