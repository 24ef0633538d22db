// Whether a delivery to the local app failed, and what to do about it: one rule for every place that says so (the
// `replay`, `retry` and `trigger` commands, and the web inspector's replay and retry buttons), so they never drift.

import type { ExchangeSummary } from '../exchange.js';

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
