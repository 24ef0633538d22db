// The JSON the page gets for one exchange: the summary shape the CLI prints, headers as pairs, and body facts
// (the bytes themselves come from the body endpoints, a window at a time).

import { attemptsToJson, exchangeToJson, type Exchange, type ExchangeSummary } from '../exchange.js';
import { formJsonField } from '../form-json-field.js';
import { slowAnswerNote } from '../webhooks/answer-deadline.js';
import { signatureHint } from '../webhooks/missing-secret.js';
import { eventContext, type EventContextItem } from '../webhooks/event-context.js';
import { challengeProblem } from '../webhooks/slack-challenge.js';
import { webhookInputFromExchange } from '../webhooks/verify.js';
import { bodyInfo, type BodyInfo } from './body-info.js';

export interface PageExchange {
  summary: Record<string, unknown>;
  request: { headers: [string, string][]; body: BodyInfo };
  response: { headers: [string, string][]; body: BodyInfo } | null;
  attempts: Record<string, unknown>[];
  /** After a signature left unchecked for want of a secret, how to give one; after a mismatch, how to give a rolled
   * secret's old one too (signatureHint, as `show` and the TUI say it); else null. */
  signatureHint: string | null;
  /** What only the body says beside the event (a Stripe Connect account, live mode): as `show` and the TUI show it. */
  eventContext: EventContextItem[];
  /**
   * The app answered later than the provider waits, or the sender hung up at its deadline (GitHub at 10 s), in the
   * words `show`, the log line and the TUI use; else null.
   */
  slowAnswer: string | null;
  /** The app's answer to Slack's url_verification would fail Slack's URL check, in the words of `show` and the TUI; else null. */
  challengeProblem: string | null;
  /** The request body is a form of one field holding JSON (GitHub's `payload`): its name, which edit & replay edits as JSON; else null. */
  formJsonField: string | null;
}

export function pageExchange(e: Exchange): PageExchange {
  // The summary shape only: exchangeToJson on the whole exchange would turn both bodies (up to 25 MiB each) into text
  // for nothing; the page reads bodies a window at a time.
  const summary = exchangeToJson(summaryOf(e));
  return {
    summary,
    request: { headers: e.requestHeaders, body: bodyInfo(e.requestHeaders, e.requestBody, e.requestSha256) },
    response:
      e.responseHeaders && e.status !== null
        ? { headers: e.responseHeaders, body: bodyInfo(e.responseHeaders, e.responseBody ?? Buffer.alloc(0), e.responseSha256) }
        : null,
    attempts: attemptsToJson(e.attemptHistory),
    signatureHint: signatureHint(e.webhook?.reason, e.webhook?.provider) ?? null,
    eventContext: e.webhook ? eventContext(webhookInputFromExchange(e)) : [],
    slowAnswer: slowAnswerNote(e),
    challengeProblem: challengeProblem(e),
    formJsonField: formJsonField(e.requestHeaders, e.requestBody)?.name ?? null,
  };
}

function summaryOf(e: Exchange): ExchangeSummary {
  const { requestBody: _request, responseBody: _response, senderBody: _sender, attemptHistory: _attempts, ...summary } = e;
  return summary;
}
