// Where an exchange's automatic attempts stand: one rule for `show` and the live inspector, which both say it, so a
// 502 with a retry on its way never reads as the end of the story in one and not the other.

import type { ExchangeSummary } from '../exchange.js';

export interface AttemptState {
  /** `attempt 2/8`, or undefined for an exchange answered at its one attempt with nothing more to come. */
  attempt: string | undefined;
  /** When the next automatic attempt is due (epoch ms), while one is. */
  nextAttemptAt: number | undefined;
  /** Every attempt allowed was made, and the last one failed: nothing will try again by itself. */
  gaveUp: boolean;
  /** What the relay answered the sender in acknowledge mode (the app's answer never reached it), e.g. 200. */
  ackStatus: number | undefined;
}

export function attemptState(e: ExchangeSummary): AttemptState {
  const attempts = e.attempts ?? 0;
  const pending = e.nextAttemptAt !== undefined;
  const failed = e.state === 'failed' || (e.status ?? 0) >= 500;
  return {
    attempt: attempts > 1 || pending ? `attempt ${attempts}${e.maxAttempts ? `/${e.maxAttempts}` : ''}` : undefined,
    nextAttemptAt: e.nextAttemptAt,
    gaveUp: !pending && e.maxAttempts !== undefined && e.maxAttempts > 0 && attempts >= e.maxAttempts && failed,
    ackStatus: e.sender?.reason === 'ack' ? e.sender.status : undefined,
  };
}
