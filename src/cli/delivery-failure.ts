// A delivery to the local app that did not work, in the commands that send one (`replay`, `retry`, `trigger`): with
// --json its exchange still goes to stdout as every other one does, and the failure is a JSON error on stderr too,
// so a script sees why the command exits 1 in the same place as every other failure (json-error.ts).

import type { ExchangeSummary } from '../exchange.js';
import { writeJsonError } from './json-error.js';

/** What to do about a failure, where the message alone does not say it. */
const DELIVERY_ADVICE: Readonly<Record<string, string>> = {
  local_timeout: 'raise --timeout; 0 waits forever',
};

/** The code of a 5xx answer, for `retry`, where the app answering 5xx is a failed attempt (exit 1). */
const LOCAL_SERVER_ERROR = 'local_server_error';

export interface DeliveryFailure {
  code: string;
  message: string;
  hint: string | undefined;
}

/**
 * Why this delivery failed, or undefined when it did not: no answer (hooktunnel's own error code: local_unreachable,
 * local_timeout…), and with `serverErrorFails` (retry's rule: "answered below 500") a 5xx answer too.
 */
export function deliveryFailure(exchange: ExchangeSummary, serverErrorFails = false): DeliveryFailure | undefined {
  if (exchange.state === 'failed') {
    const code = exchange.errorCode ?? 'local_error';
    return { code, message: exchange.errorMessage ?? code, hint: DELIVERY_ADVICE[code] };
  }
  if (serverErrorFails && exchange.status !== null && exchange.status >= 500) {
    return {
      code: LOCAL_SERVER_ERROR,
      message: `the app answered #${exchange.id} with ${exchange.status}`,
      hint: `its answer is in \`hooktunnel show ${exchange.id}\`; fix the app, then retry`,
    };
  }
  return undefined;
}

/** `fields` name the exchange as the command's JSON lines do: replay `{ replayOf, id }`, retry and trigger `{ id }`. */
export function writeDeliveryFailureJson(failure: DeliveryFailure, fields: Record<string, number | null>): void {
  writeJsonError(failure.code, failure.message, failure.hint, fields);
}
