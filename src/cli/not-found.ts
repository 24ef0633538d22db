// An id (or an event id: exchange-ids.ts) with no exchange behind it, in `replay`, `retry` and `verify`: never recorded
// (refuses the whole command) or deleted between the check and its turn (a prune elsewhere; the others still go). Both
// exit 1 (README, Exit codes). With --json it is reported as the command's other failures are, one {"error": …} object
// per id on stderr, so a script reading JSON sees every id it gave accounted for while stdout stays one exchange per line.

import { chalkStderr } from 'chalk';
import type { UserErrorCode } from '../errors.js';
import type { ExchangeSummary } from '../exchange.js';
import { sanitize } from '../sanitize.js';
import type { Store } from '../store/store.js';
import { writeJsonError } from './json-error.js';
import { readRefs } from './event-id.js';
import { missingRefs, SEE_IDS_HINT, unknownRef, unknownRefs, type ExchangeRef } from './exchange-ids.js';

/** The error code of an id that has no exchange, beside the delivery codes (local_unreachable, local_timeout…). */
const NOT_FOUND: UserErrorCode = 'not_found';

/**
 * How a command names the id in its JSON errors: replay `{ replayOf: id, id: null }` (no new exchange), retry and verify
 * `{ id }`; null for an event id that names no exchange, which is given beside them as `eventId`.
 */
export type IdFields = (id: number | null) => Record<string, number | null>;

function writeNotFoundJson(message: string, fields: Record<string, number | string | null>, hint = SEE_IDS_HINT): void {
  writeJsonError(NOT_FOUND, message, hint, fields);
}

/** An id deleted between the check and its turn: a JSON error with --json, else an `error:` line; the others go on. */
export function reportGone(message: string, fields: Record<string, number | null>, json: boolean): void {
  if (json) writeNotFoundJson(message, fields);
  else process.stderr.write(`${chalkStderr.red('error:')} ${sanitize(message)}\n`);
}

export interface LookUp {
  /** What was not done, for the message: "nothing replayed". */
  undone: string;
  json: boolean;
  idFields: IdFields;
}

/**
 * The summaries of the exchanges a command acts on (ids, or event ids: see event-id.ts for which exchange one names),
 * every one looked up before it acts on any. When some are not recorded nothing may be done: in words that is a thrown
 * UserError (exit 1); with --json each missing one is written as a JSON error, the exit code is set to 1, and the
 * result is undefined, for the caller to return.
 */
export function lookUpAll(store: Store, refs: ExchangeRef[], how: LookUp): ExchangeSummary[] | undefined {
  const found = readRefs(store, refs, (id) => store.summary(id));
  const refusal = unknownRefs(refs, found, store.path, how.undone);
  if (!refusal) return found as ExchangeSummary[];
  if (!how.json) throw refusal;
  for (const ref of missingRefs(refs, found)) {
    const { message, hint } = unknownRef(ref, store.path);
    const fields = typeof ref === 'number' ? how.idFields(ref) : { ...how.idFields(null), eventId: ref.eventId };
    writeNotFoundJson(`${message}; ${how.undone}`, fields, hint);
  }
  process.exitCode = refusal.exitCode;
  return undefined;
}
