// An exchange whose sender hung up while the app still had it (GitHub leaves at 10 s): the forward goes on, the app's
// late answer is recorded, and the error message says both what the sender got (nothing more) and what the app did.

import { formatDuration } from './duration.js';
import type { ErrorCode } from './protocol.js';

export interface SenderGone {
  code: ErrorCode;
  /** The relay's words: `the sender closed the connection`. */
  message: string;
  /** When, from the exchange's start. */
  afterMs: number;
  /** The app had begun its answer by then (a sender that took none of it): the rest went on to the store only. */
  answerBegun: boolean;
}

/**
 * `the sender closed the connection at 10.0s; the app answered 200 at 12.0s, recorded here but never sent`, or with
 * `then the app: …` when the forward failed after (--timeout, the app's connection cut).
 */
export function senderGoneMessage(gone: SenderGone, status: number | null, durationMs: number, appError?: { code: string; message: string }): string {
  const left = `${gone.message} at ${formatDuration(gone.afterMs)}`;
  if (appError) return `${left}; then the app: ${appError.message} (${appError.code})`;
  if (gone.answerBegun) return `${left}; the app's answer (${status}) went on to its end at ${formatDuration(durationMs)}, recorded here whole`;
  return `${left}; the app answered ${status} at ${formatDuration(durationMs)}, recorded here but never sent`;
}
