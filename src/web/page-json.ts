// The JSON the page gets for one exchange: the summary shape the CLI prints, headers as pairs, and body facts
// (the bytes themselves come from the body endpoints, a window at a time).

import { exchangeToJson, type Exchange } from '../exchange.js';
import { bodyInfo, type BodyInfo } from './body-info.js';

export interface PageExchange {
  summary: Record<string, unknown>;
  request: { headers: [string, string][]; body: BodyInfo };
  response: { headers: [string, string][]; body: BodyInfo } | null;
  attempts: Record<string, unknown>[];
  /** The relay's own answer to the sender (queued or acknowledge mode), UTF-8 or base64 as in `show --json`. */
  sender: Record<string, unknown> | null;
}

export function pageExchange(e: Exchange): PageExchange {
  const json = exchangeToJson(e);
  const summary = { ...json, request: { size: e.requestSize }, response: e.status === null ? null : { size: e.responseSize } };
  return {
    summary,
    request: { headers: e.requestHeaders, body: bodyInfo(e.requestHeaders, e.requestBody, e.requestSha256) },
    response:
      e.responseHeaders && e.status !== null
        ? { headers: e.responseHeaders, body: bodyInfo(e.responseHeaders, e.responseBody ?? Buffer.alloc(0), e.responseSha256) }
        : null,
    attempts: (json.attemptHistory as Record<string, unknown>[]) ?? [],
    sender: (json.sender as Record<string, unknown> | null) ?? null,
  };
}
