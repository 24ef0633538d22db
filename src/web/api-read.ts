// The inspector's read-only routes: the list, one exchange, body windows and raw downloads, curl, HAR and diff.

import { exchangeToJson, headerValue, type Exchange } from '../exchange.js';
import { diffHeaders } from '../diff/exchange-diff.js';
import { toHar } from '../export/har.js';
import { VERSION } from '../cli/version.js';
import { curlCommand } from '../tui/curl-command.js';
import { decodeBody } from '../gzip-body.js';
import type { RouteDeps } from './context.js';
import { infoJson } from './info-json.js';
import { diffBodies } from './json-diff.js';
import { listFiltered, parseWebFilter } from './list-filter.js';
import { pageExchange } from './page-json.js';
import { sendBytes, sendExactJson, sendJson, sendText } from './respond.js';
import { HttpError, type RouteContext, type Router } from './router.js';

/** Rows per list page. */
const PAGE_ROWS = 100;
/** The largest window of body bytes one request returns; the page asks for less. */
const MAX_WINDOW = 4 * 1024 * 1024;
/** Exchanges one HAR export may hold (each can carry 25 MiB). */
const MAX_HAR_ENTRIES = 200;

function intParam(url: URL, name: string, fallback?: number): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new HttpError(400, `${name}=${JSON.stringify(text)} is not a whole number`);
  return value;
}

export function exchangeOr404(deps: RouteDeps, idText: string): Exchange {
  // Digits only: Number() would also take "0x3", "3e0" or "\n3", and the text ends up in file names and headers.
  if (!/^[1-9]\d*$/.test(idText)) throw new HttpError(404, `no exchange #${JSON.stringify(idText)}; ids are whole numbers`);
  const exchange = deps.store.get(Number(idText));
  if (!exchange) throw new HttpError(404, `no exchange #${idText}`);
  return exchange;
}

function part(ctx: RouteContext): 'request' | 'response' {
  const value = ctx.params.part;
  if (value !== 'request' && value !== 'response') throw new HttpError(404, `no body "${value}"; request or response`);
  return value;
}

/** The body's bytes as the page asked: raw, or gunzipped (`decoded=1`) when it is gzip. */
function bodyBytes(e: Exchange, which: 'request' | 'response', decoded: boolean): Buffer {
  const headers = which === 'request' ? e.requestHeaders : (e.responseHeaders ?? []);
  const raw = which === 'request' ? e.requestBody : (e.responseBody ?? Buffer.alloc(0));
  if (!decoded) return raw;
  const inflated = decodeBody(headers, raw);
  if (!inflated) throw new HttpError(409, `the ${which} body of #${e.id} is not gzip that decodes`);
  return inflated;
}

export function addReadRoutes(router: Router, deps: RouteDeps): void {
  router.add('GET', '/api/info', ({ res }) => sendJson(res, 200, { ...infoJson(deps.info), version: VERSION }));

  router.add('GET', '/api/exchanges', async ({ res, url }) => {
    const filter = parseWebFilter(url.searchParams.get('q') ?? '');
    const limit = Math.min(intParam(url, 'limit', PAGE_ROWS)!, 500) || PAGE_ROWS;
    const page = await listFiltered(deps.store, filter, { limit, before: intParam(url, 'before') });
    // The same shape as `ls --json` and the live feed.
    sendJson(res, 200, { items: page.items.map((e) => exchangeToJson(e)), next: page.next });
  });

  router.add('GET', '/api/exchanges/:id', ({ res, params }) => sendJson(res, 200, pageExchange(exchangeOr404(deps, params.id))));

  // A window of the bytes for the views; the page pages through large bodies instead of loading them whole.
  router.add('GET', '/api/exchanges/:id/body/:part', (ctx) => {
    const which = part(ctx);
    const e = exchangeOr404(deps, ctx.params.id);
    const bytes = bodyBytes(e, which, ctx.url.searchParams.get('decoded') === '1');
    const offset = Math.min(intParam(ctx.url, 'offset', 0)!, bytes.length);
    const length = Math.min(intParam(ctx.url, 'length', MAX_WINDOW)!, MAX_WINDOW);
    sendBytes(ctx.res, bytes.subarray(offset, offset + length), `exchange-${e.id}-${which}.part`, {
      'X-Body-Size': bytes.length,
    });
  });

  router.add('GET', '/api/exchanges/:id/raw/:part', (ctx) => {
    const which = part(ctx);
    const decoded = ctx.url.searchParams.get('decoded') === '1';
    const e = exchangeOr404(deps, ctx.params.id);
    sendBytes(ctx.res, bodyBytes(e, which, decoded), `exchange-${e.id}-${which}${decoded ? '-decoded' : ''}.bin`);
  });

  router.add('GET', '/api/exchanges/:id/curl', ({ res, params }) => {
    const e = exchangeOr404(deps, params.id);
    // A large body is read from the store by `hooktunnel show --raw` rather than inlined, as the TUI's `c` does.
    sendText(res, 200, curlCommand(e, deps.info.dbPath, deps.replayTo?.url));
  });

  router.add('GET', '/api/export.har', ({ res, url }) => {
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0) throw new HttpError(400, 'ids= names no exchange; for example ids=3,4');
    if (ids.length > MAX_HAR_ENTRIES) throw new HttpError(400, `at most ${MAX_HAR_ENTRIES} exchanges per HAR export`);
    const exchanges = ids.map((id) => exchangeOr404(deps, id));
    const har = toHar(exchanges, { version: VERSION });
    sendBytes(res, Buffer.from(JSON.stringify(har, null, 2)), `hooktunnel-${ids.length === 1 ? exchanges[0].id : `${ids.length}-exchanges`}.har`);
  });

  router.add('GET', '/api/diff', ({ res, url }) => {
    const a = exchangeOr404(deps, url.searchParams.get('a') ?? '');
    const b = exchangeOr404(deps, url.searchParams.get('b') ?? '');
    const shown = (e: Exchange) => decodeBody(e.requestHeaders, e.requestBody) ?? e.requestBody;
    // The state and error with the status: a side with no answer says why (not yet, interrupted, failed).
    const side = (e: Exchange) => ({
      id: e.id,
      method: e.method,
      path: e.path,
      status: e.status,
      state: e.state,
      error: e.errorCode ? { code: e.errorCode, message: e.errorMessage } : null,
      contentType: headerValue(e.requestHeaders, 'content-type') ?? '',
    });
    // Changed values can be ids past 2^53 (Discord and Twitter snowflakes): written as sent, not as strings.
    sendExactJson(res, 200, {
      a: side(a),
      b: side(b),
      headers: diffHeaders(a.requestHeaders, b.requestHeaders),
      body: diffBodies(shown(a), shown(b)),
    });
  });
}
