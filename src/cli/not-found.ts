// An id with no exchange behind it, in `replay`, `retry` and `verify`: never recorded (refuses the whole command) or deleted
// between the check and its turn (a prune elsewhere; the others still go). Both exit 1 (README, Exit codes). With
// --json it is reported as the command's other failures are, one {"error": …} object per id on stderr, so a script
// reading JSON sees every id it gave accounted for while stdout stays one exchange per line.

import chalk from 'chalk';
import type { UserErrorCode } from '../errors.js';
import type { ExchangeSummary } from '../exchange.js';
import { sanitize } from '../sanitize.js';
import type { Store } from '../store/store.js';
import { writeJsonError } from './json-error.js';
import { missingIds, SEE_IDS_HINT, unknownIds } from './exchange-ids.js';

/** The error code of an id that has no exchange, beside the delivery codes (local_unreachable, local_timeout…). */
const NOT_FOUND: UserErrorCode = 'not_found';

/** How a command names the id in its JSON errors: replay `{ replayOf: id, id: null }` (no new exchange), retry and verify `{ id }`. */
export type IdFields = (id: number) => Record<string, number | null>;

export function writeNotFoundJson(message: string, fields: Record<string, number | null>): void {
  writeJsonError(NOT_FOUND, message, SEE_IDS_HINT, fields);
}

/** An id deleted between the check and its turn: a JSON error with --json, else an `error:` line; the others go on. */
export function reportGone(message: string, fields: Record<string, number | null>, json: boolean): void {
  if (json) writeNotFoundJson(message, fields);
  else process.stderr.write(`${chalk.red('error:')} ${sanitize(message)}\n`);
}

export interface LookUp {
  /** What was not done, for the message: "nothing replayed". */
  undone: string;
  json: boolean;
  idFields: IdFields;
}

/**
 * The summaries of the ids a command acts on, every one looked up before it acts on any. When some are not recorded
 * nothing may be done: in words that is a thrown UserError (exit 1); with --json each missing id is written as a JSON
 * error, the exit code is set to 1, and the result is undefined, for the caller to return.
 */
export function lookUpAll(store: Store, ids: number[], how: LookUp): ExchangeSummary[] | undefined {
  const found = ids.map((id) => store.summary(id));
  const refusal = unknownIds(ids, found, store.path, how.undone);
  if (!refusal) return found as ExchangeSummary[];
  if (!how.json) throw refusal;
  for (const id of missingIds(ids, found)) writeNotFoundJson(`no exchange #${id} in ${store.path}; ${how.undone}`, how.idFields(id));
  process.exitCode = refusal.exitCode;
  return undefined;
}
