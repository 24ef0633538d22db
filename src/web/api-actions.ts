// The inspector's state-changing routes: replay (as recorded, re-signed, or edited) and retry. The guard has checked
// Origin and the secret before any of these runs.

import { exchangeToJson, type ExchangeSummary, type HeaderPairs } from '../exchange.js';
import { deliveryFailure } from '../delivery/delivery-failure.js';
import { manualRetry } from '../delivery/manual-retry.js';
import { replayExchange, type ReplayOptions } from '../replay.js';
import { exchangeOr404 } from './api-read.js';
import type { RouteDeps } from './context.js';
import { readJson } from './read-body.js';
import { sendJson } from './respond.js';
import { HttpError, type Router } from './router.js';
import { headerValueProblem, isHttpToken } from '../http-headers.js';
import { missingSecretHint } from '../webhooks/missing-secret.js';

function editedHeaders(value: unknown): HeaderPairs | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new HttpError(400, 'headers must be a list of [name, value] pairs');
  return value.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new HttpError(400, `header ${i + 1} is not a [name, value] pair of strings`);
    }
    if (!isHttpToken(pair[0])) throw new HttpError(400, `header name ${JSON.stringify(pair[0])} is not a valid HTTP header name`);
    const problem = headerValueProblem(pair[1]);
    if (problem) throw new HttpError(400, `header ${pair[0]} ${problem}`);
    return [pair[0], pair[1]] as [string, string];
  });
}

function editedBody(value: unknown): Buffer | undefined {
  if (value === undefined) return undefined;
  const body = value as { encoding?: unknown; data?: unknown };
  if (typeof body?.data !== 'string' || (body.encoding !== 'utf8' && body.encoding !== 'base64')) {
    throw new HttpError(400, 'body must be {"encoding": "utf8" | "base64", "data": "…"}');
  }
  return Buffer.from(body.data, body.encoding);
}

function editedMethod(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isHttpToken(value)) throw new HttpError(400, `method ${JSON.stringify(value)} is not an HTTP method`);
  return value.toUpperCase();
}

function editedPath(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  // Only a path on the target: a scheme or `//host` here must never pick another host (see DEFAULTS: upstream URL).
  if (typeof value !== 'string' || !value.startsWith('/') || /[\s\0]/.test(value)) {
    throw new HttpError(400, 'path must start with / and hold no spaces or control characters');
  }
  return value;
}

/**
 * Why the delivery failed, as the command that does the same says it (the page only shows it): `replay` counts an
 * answer of any status as delivered; `retry` (serverErrorFails) counts a 5xx answer as a failed attempt too.
 */
function failureJson(exchange: ExchangeSummary, serverErrorFails: boolean) {
  const failure = deliveryFailure(exchange, serverErrorFails);
  return failure ? { code: failure.code, message: failure.message, hint: failure.hint ?? null } : null;
}

export function addActionRoutes(router: Router, deps: RouteDeps): void {
  const replay = async (id: number, edits: Partial<ReplayOptions>) => {
    const result = await replayExchange(deps.store, id, {
      ...edits,
      to: deps.replayTo,
      timeoutMs: deps.timeoutMs,
      secrets: deps.secrets,
    });
    if (!result) throw new HttpError(404, `no exchange #${id}`);
    deps.announce(result.exchange);
    // Not re-signed for want of a secret: how to give one, as `hooktunnel replay --resign` says it.
    const resign = result.resign ? { ...result.resign, hint: missingSecretHint(result.resign.reason) ?? null } : null;
    return { exchange: exchangeToJson(result.exchange), failure: failureJson(result.exchange, false), resign };
  };

  // Exact bytes again, or `{"resign": true}` for a fresh signature.
  router.add('POST', '/api/exchanges/:id/replay', async ({ req, res, params }) => {
    const original = exchangeOr404(deps, params.id);
    const options = await readJson(req);
    sendJson(res, 200, await replay(original.id, { resign: options.resign === true }));
  });

  router.add('POST', '/api/exchanges/:id/replay-edited', async ({ req, res, params }) => {
    const original = exchangeOr404(deps, params.id);
    const edit = await readJson(req);
    sendJson(
      res,
      200,
      await replay(original.id, {
        method: editedMethod(edit.method),
        path: editedPath(edit.path),
        headers: editedHeaders(edit.headers),
        body: editedBody(edit.body),
        // The editor's "re-signed" box: unticked, an edited body goes with the recorded signature; absent, re-signed when edited.
        resign: typeof edit.resign === 'boolean' ? edit.resign : undefined,
      }),
    );
  });

  // Another attempt of the same exchange (its answer replaces the last), as `hooktunnel retry` does.
  router.add('POST', '/api/exchanges/:id/retry', async ({ res, params }) => {
    // Refusals (redacted, answered by a route, being delivered right now) are UserErrors: 409 with their message.
    const exchange = await manualRetry(deps.store, exchangeOr404(deps, params.id), {
      timeoutMs: deps.timeoutMs,
      secrets: deps.secrets,
      resignLate: deps.resignLate,
      to: deps.replayTo,
    });
    deps.announce(exchange);
    sendJson(res, 200, { exchange: exchangeToJson(exchange), failure: failureJson(exchange, true) });
  });
}
