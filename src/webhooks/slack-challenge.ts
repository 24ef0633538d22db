// Slack checks an Events API Request URL by sending `url_verification` with a `challenge`, and takes the URL only when
// the answer is 200 and carries that challenge back: as the whole body, as JSON {"challenge": …} or as a
// challenge=… form. An app that answers 200 with anything else looked fine in hooktunnel, while Slack's settings page
// said "Your URL didn't respond with the value of the challenge parameter": the exchange says so (listen, trigger, show).

import type { Exchange, ExchangeSummary } from '../exchange.js';
import { parseForm, parseJsonObject, stringField } from './body.js';

type Answered = Pick<Exchange, 'webhook' | 'state' | 'status' | 'requestBody' | 'responseBody'>;

/** What is wrong with the app's answer to a Slack url_verification; null when Slack would take it, or for any other exchange. */
export function challengeProblem(e: Answered): string | null {
  if (e.webhook?.provider !== 'slack' || e.webhook.eventType !== 'url_verification') return null;
  // No answer from the app: its error is said already.
  if (e.state !== 'complete' || e.responseBody === null) return null;
  const challenge = challengeOf(e.requestBody);
  if (challenge === null) return null;
  const how = 'answer 200 with the challenge as the body, or as {"challenge": "…"}';
  if (e.status !== 200) return `Slack takes the Request URL only on a 200 that echoes the challenge; the app answered ${e.status} (${how})`;
  if (echoes(e.responseBody, challenge)) return null;
  return `the answer does not echo the challenge, so Slack would not take the Request URL (${how})`;
}

/**
 * challengeProblem for a finished exchange known by its summary (listen's events carry no bodies): the recording is
 * read back with `load` only for a Slack url_verification the app answered, a request a Slack app gets once per setup.
 */
export function recordedChallengeProblem(e: ExchangeSummary, load: (id: number) => Exchange | undefined): string | null {
  if (e.webhook?.provider !== 'slack' || e.webhook.eventType !== 'url_verification' || e.state !== 'complete') return null;
  const recorded = load(e.id);
  return recorded ? challengeProblem(recorded) : null;
}

function challengeOf(body: Buffer): string | null {
  return stringField(parseJsonObject(body), 'challenge') || null;
}

function echoes(answer: Buffer, challenge: string): boolean {
  return (
    answer.toString('utf8').trim() === challenge ||
    stringField(parseJsonObject(answer), 'challenge') === challenge ||
    parseForm(answer).get('challenge') === challenge
  );
}
