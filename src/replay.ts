// Replays a recorded request to a local target: exact bytes by default, or edited and re-signed; records the replay.

import type { ExchangeSummary, HeaderPairs } from './exchange.js';
import { runExchange } from './exchange-runner.js';
import { Forwarder } from './forward/forwarder.js';
import { parseTarget, type Target } from './forward/target.js';
import { setHeader } from './http-headers.js';
import { appliedRules } from './redact/redact.js';
import type { Store } from './store/store.js';
import type { Secrets } from './webhooks/secrets.js';
import { UserError } from './errors.js';
import { routePort } from './routes/forwarded-path.js';
import { answeredHere, MOCK_TARGET } from './routes/answered-here.js';
import { resignWebhook, webhookInputFromExchange } from './webhooks/verify.js';

export interface ReplayOptions {
  /** Where to send it; default: the exchange's original target. */
  to?: Target;
  timeoutMs: number;
  onStoreError?: (error: Error) => void;
  /** For re-signing, and for examining the replay like any exchange. */
  secrets?: Secrets;
  /**
   * true: sign afresh (new timestamp and signature) so the app's own verification accepts the replay. false: never,
   * an edited body included (does the app refuse a body changed after signing?). Unset: only an edited body.
   */
  resign?: boolean;
  /** Send this body instead of the recorded one (edited replay); re-signed when a secret is known, unless resign is false. */
  body?: Buffer;
  /** Send an exchange that was stored redacted (its [REDACTED] values go as they are). */
  allowRedacted?: boolean;
  /** Headers to set (replacing any of the same name), as `K: V` edits. */
  setHeaders?: HeaderPairs;
  /** Send these headers instead of the recorded ones (the web inspector's edit); Content-Length is still corrected. */
  headers?: HeaderPairs;
  /** Send with this method instead of the recorded one. */
  method?: string;
  /** Send to this path (and query) instead of the recorded one. */
  path?: string;
}

export interface ReplayResult {
  exchange: ExchangeSummary;
  /** Present when re-signing was asked for or implied by an edit: whether it happened, and why not. */
  resign?: { resigned: boolean; reason?: string };
}

/** Where the exchange went; one hooktunnel answered itself (a mock route, no route) has no app to go back to. */
export function originalTarget(original: ExchangeSummary, hint = 'pass --to <port|url> to send it to one'): Target {
  if (answeredHere(original.target)) {
    const why = original.target === MOCK_TARGET ? `the mock route ${original.route ?? ''}` : 'hooktunnel (no route took its path)';
    throw new UserError(`exchange #${original.id} was answered by ${why}, not by an app`, { hint, exitCode: 2, code: 'answered_here' });
  }
  return parseTarget(original.target);
}

/** How a recorded request body comes to be cut off, for refusals to send it. */
export const INCOMPLETE_WHY = 'the tunnel dropped, or listen stopped, before it all arrived';

/**
 * Where a replay of this exchange goes; a UserError (nothing sent) when it cannot be replayed: cut off mid-body (unless
 * a body is given), stored redacted (unless allowed), or answered by hooktunnel itself with no `to`. `replay` checks every exchange with it before sending any.
 */
export function replayTarget(original: ExchangeSummary, options: ReplayCheck): Target {
  const problem = replayProblem(original, options);
  // Only part of the body was recorded: sent as it is (with a Content-Length made to fit) the app would take a
  // truncated request for a whole one. A body given with the replay (--body-file, --edit) stands in for it.
  if (problem === 'incomplete') {
    throw new UserError(`exchange #${original.id} has only part of its request body: it was cut off mid-body (${INCOMPLETE_WHY}); the app would get a truncated request`, {
      hint: 'send the whole body with --body-file <file>',
      exitCode: 2,
      code: 'incomplete',
    });
  }
  if (problem === 'redacted') {
    throw new UserError(`exchange #${original.id} was stored redacted (${appliedRules(original.redacted).join(', ')}): the app would get [REDACTED] in place of the real values`, {
      hint: 'pass --allow-redacted to send it anyway, or --body-file / --set-header to put real values back',
      exitCode: 2,
      code: 'redacted',
    });
  }
  return options.to ?? originalTarget(original);
}

/** What decides whether an exchange can be replayed: where to, redacted values allowed, a body given with the replay. */
export type ReplayCheck = Pick<ReplayOptions, 'to' | 'allowRedacted'> & { newBody?: boolean };

/** Why this exchange cannot be replayed with these options, if it cannot (the rules replayTarget enforces), first reason first. */
export function replayProblem(original: ExchangeSummary, options: ReplayCheck): 'incomplete' | 'redacted' | 'answered here' | undefined {
  if (original.requestIncomplete && !options.newBody) return 'incomplete';
  if (!options.allowRedacted && appliedRules(original.redacted).length > 0) return 'redacted';
  if (!options.to && answeredHere(original.target)) return 'answered here';
  return undefined;
}

/** Returns undefined when there is no exchange with this id. */
export async function replayExchange(store: Store, id: number, options: ReplayOptions): Promise<ReplayResult | undefined> {
  const original = store.get(id);
  if (!original) return undefined;
  // An edit left unchanged is still the truncated part: only a different body stands in for the missing bytes.
  const target = replayTarget(original, { ...options, newBody: options.body !== undefined && !options.body.equals(original.requestBody) });
  let headers = options.headers ?? original.requestHeaders;
  const path = options.path ?? original.path;
  const body = options.body ?? original.requestBody;
  const edited = options.body !== undefined && !options.body.equals(original.requestBody);
  // A changed body (or edited headers) needs its length said right; a chunked original has no Content-Length to fix.
  const length = headers.find(([name]) => name.toLowerCase() === 'content-length');
  if (length && length[1].trim() !== String(body.length)) {
    headers = setHeader(headers, 'Content-Length', String(body.length));
  }
  for (const [name, value] of options.setHeaders ?? []) headers = setHeader(headers, name, value);

  let resign: ReplayResult['resign'];
  if (options.secrets && (options.resign ?? edited)) {
    const signedAs = webhookInputFromExchange(original);
    const result = resignWebhook({ headers, body, url: original.url }, options.secrets, Date.now(), { path: path.split('?')[0], signedAs });
    headers = result.headers;
    resign = { resigned: result.resigned, reason: result.reason };
  }

  const forwarder = routePort(new Forwarder(target, { timeoutMs: options.timeoutMs, hostHeader: 'rewrite' }), original.route);
  try {
    const running = runExchange(
      {
        method: options.method ?? original.method,
        path,
        headers,
        body,
        deliveryId: null,
        url: original.url,
        receivedAt: Date.now(),
        replayOf: original.id,
        redacted: original.redacted,
      },
      { forwarder, store, onStoreError: options.onStoreError, secrets: options.secrets },
    );
    return { exchange: await running.done, resign };
  } finally {
    forwarder.close();
  }
}
