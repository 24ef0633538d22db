// Exports recorded exchanges as a HAR 1.2 archive, for browser devtools, Postman, Insomnia and the like.

import { STATUS_CODES } from 'node:http';
import { bodyToJson, headerValue, type Exchange, type HeaderPairs } from '../exchange.js';
import type { Har, HarBody, HarCookie, HarEntry, HarNameValue } from './har-types.js';
import { requestUrl } from './request-parts.js';

export type { Har } from './har-types.js';

export interface HarOptions {
  /** hooktunnel's version, for `log.creator`. */
  version?: string;
}

const nameValues = (headers: HeaderPairs): HarNameValue[] => headers.map(([name, value]) => ({ name, value }));

function headersNamed(headers: HeaderPairs, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, value]) => value);
}

function splitPair(text: string): HarNameValue {
  const eq = text.indexOf('=');
  if (eq < 0) return { name: text.trim(), value: '' };
  return { name: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim() };
}

function requestCookies(headers: HeaderPairs): HarCookie[] {
  const parts = headersNamed(headers, 'cookie').flatMap((line) => line.split(';'));
  return parts.filter((part) => part.trim() !== '').map(splitPair);
}

function responseCookies(headers: HeaderPairs): HarCookie[] {
  return headersNamed(headers, 'set-cookie').map((line) => {
    const [first, ...attributes] = line.split(';');
    const cookie: HarCookie = splitPair(first);
    for (const attribute of attributes.map(splitPair)) {
      const key = attribute.name.toLowerCase();
      if (key === 'path' || key === 'domain' || key === 'expires') cookie[key] = attribute.value;
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
    }
    return cookie;
  });
}

/** Exact bytes as HAR text: UTF-8 when the bytes are valid UTF-8, base64 (with `encoding`) otherwise. */
function harBody(headers: HeaderPairs, bytes: Buffer): HarBody {
  const json = bodyToJson(bytes);
  const body: HarBody = { mimeType: headerValue(headers, 'content-type') ?? '', text: json.data };
  if (json.encoding === 'base64') body.encoding = 'base64';
  return body;
}

function toEntry(e: Exchange): HarEntry {
  const responseHeaders = e.responseHeaders ?? [];
  const responseBody = e.responseBody ?? Buffer.alloc(0);
  const wait = e.durationMs ?? 0;
  return {
    startedDateTime: new Date(e.receivedAt).toISOString(),
    time: wait,
    request: {
      method: e.method,
      url: requestUrl(e),
      httpVersion: 'HTTP/1.1',
      cookies: requestCookies(e.requestHeaders),
      headers: nameValues(e.requestHeaders),
      queryString: [...new URLSearchParams(e.path.split('?')[1] ?? '')].map(([name, value]) => ({ name, value })),
      ...(e.requestBody.length > 0 ? { postData: harBody(e.requestHeaders, e.requestBody) } : {}),
      // -1: HAR's "unknown"; the raw header block is not recorded, only the parsed pairs.
      headersSize: -1,
      bodySize: e.requestBody.length,
    },
    response: {
      // 0 is what browsers write for a request that got no response.
      status: e.status ?? 0,
      statusText: e.status === null ? '' : (STATUS_CODES[e.status] ?? ''),
      httpVersion: 'HTTP/1.1',
      cookies: responseCookies(responseHeaders),
      headers: nameValues(responseHeaders),
      content: { size: responseBody.length, ...harBody(responseHeaders, responseBody) },
      redirectURL: headerValue(responseHeaders, 'location') ?? '',
      headersSize: -1,
      // -1 when the app sent nothing at all (hooktunnel answered for it): import tells that from an empty answer by it.
      bodySize: e.responseHeaders === null ? -1 : responseBody.length,
    },
    cache: {},
    // Only the total is measured, so it all counts as waiting for the local app.
    timings: { send: 0, wait, receive: 0 },
    _hooktunnel: {
      id: e.id,
      replayOf: e.replayOf,
      deliveryId: e.deliveryId,
      publicUrl: e.url,
      // request.url is target + path (less the route's prefix), or publicUrl when a mock route or no route answered;
      // a target may carry a base path: `hooktunnel import` needs them apart.
      target: e.target,
      path: e.path,
      route: e.route ?? null,
      // Redaction rules that took something out (at record or export time): an import keeps them, so replay and retry
      // of the imported exchange still refuse to send [REDACTED] as if it were the real value.
      redacted: e.redacted ?? [],
      // Only part of the request body came (cut off mid-body): an import keeps that too, so replay and retry of the
      // imported exchange still refuse to send the part as if it were the request.
      requestComplete: !e.requestIncomplete,
      state: e.state,
      error: e.errorCode ? { code: e.errorCode, message: e.errorMessage } : null,
    },
  };
}

/** A HAR 1.2 archive of these exchanges, request URLs being where each was forwarded (target plus path), or its public URL. */
export function toHar(exchanges: Exchange[], options: HarOptions = {}): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'hooktunnel', version: options.version ?? 'unknown' },
      entries: exchanges.map(toEntry),
    },
  };
}
