// A delivery to the local app that did not work, in the commands that send one (`replay`, `retry`, `trigger`): with
// --json its exchange still goes to stdout as every other one does, and the failure is a JSON error on stderr too,
// so a script sees why the command exits 1 in the same place as every other failure (json-error.ts).

import type { DeliveryFailure } from '../delivery/delivery-failure.js';
import { writeJsonError } from './json-error.js';

/** `fields` name the exchange as the command's JSON lines do: replay `{ replayOf, id }`, retry and trigger `{ id }`. */
export function writeDeliveryFailureJson(failure: DeliveryFailure, fields: Record<string, number | null>): void {
  writeJsonError(failure.code, failure.message, failure.hint, fields);
}
