// Reads a HAR 1.2 archive (browser devtools, ngrok, `hooktunnel export --har`) into exchanges to record, checking
// every entry first so a bad file imports nothing. Pure: no store. Spec: http://www.softwareishard.com/blog/har-12-spec/

import { usageError, type UserError } from '../errors.js';
import type { HeaderPairs } from '../exchange.js';
import { targetUrl } from '../export/request-parts.js';
import { answeredHere } from '../routes/answered-here.js';
import { forwardedPath } from '../routes/forwarded-path.js';
import { isHttpToken } from '../http-headers.js';

/** One request (and its answer, when the HAR has one) ready to be recorded. */
export interface ImportedExchange {
  method: string;
  /** Origin, plus the base path when the HAR came from hooktunnel. */
  target: string;
  /** Path and query, as the request line had them. */
  path: string;
  /** The hooktunnel.yml route that took it, when the HAR came from hooktunnel. */
  route: string | null;
  /** The public URL the sender used, when the HAR says (hooktunnel's own export). */
  url: string | null;
  receivedAt: number;
  headers: HeaderPairs;
  body: Buffer;
  /** null: the HAR holds no answer (status 0, as browsers write for a request that got none). */
  response: { status: number; headers: HeaderPairs; body: Buffer } | null;
  durationMs: number;
  /** Its id in the store it was exported from, and that of the exchange it replays (hooktunnel's own export). */
  exported?: { id: number; replayOf: number | null };
  /** Redaction rules the exported exchange had gone through (hooktunnel's own export). */
  redacted?: string[];
  /** The body is only the part that came before the request was cut off, and how it ended (hooktunnel's own export). */
  incomplete?: { error: { code: string; message: string } | null };
  /**
   * The request came whole but got no (complete) answer from the app: what hooktunnel answered its sender instead
   * (the app down, too slow, the sender gone; hooktunnel's own export). `response` is then what the app sent, if any.
   */
  failure?: { status: number; code: string; message: string };
}

export interface HarReadResult {
  exchanges: ImportedExchange[];
  /** Entries whose body the HAR did not keep (imported with an empty body), by index. */
  bodiesMissing: number[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * Parses and checks the whole file; at the first problem throws a usage error (exit 2: the file given is not one
 * import takes, and nothing was imported) naming the file and the entry.
 */
export function readHar(text: string, file: string): HarReadResult {
  let root: unknown;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw usageError(`${file} is not JSON: ${(error as Error).message}`, 'export a HAR from the browser devtools (Network → Export HAR) or `hooktunnel export --har`');
  }
  const entries = isObject(root) && isObject(root.log) ? root.log.entries : undefined;
  if (!Array.isArray(entries)) {
    throw usageError(
      `${file} is not a HAR archive: it has no log.entries array`,
      'import reads HAR 1.2 (browser devtools, ngrok, `hooktunnel export --har`); an `export --json` file cannot be imported',
    );
  }
  const result: HarReadResult = { exchanges: [], bodiesMissing: [] };
  entries.forEach((entry, index) => {
    const fail = (what: string) => usageError(`${file}: entry ${index}: ${what}`, 'nothing was imported; fix or remove that entry');
    result.exchanges.push(readEntry(entry, fail, () => result.bodiesMissing.push(index)));
  });
  return result;
}

function readEntry(entry: unknown, fail: (what: string) => UserError, bodyMissing: () => void): ImportedExchange {
  if (!isObject(entry) || !isObject(entry.request)) throw fail('has no request');
  const request = entry.request;
  if (typeof request.method !== 'string' || !isHttpToken(request.method)) throw fail('request.method is missing or not a method');
  let url: URL;
  try {
    url = new URL(String(request.url));
  } catch {
    throw fail(`request.url ${JSON.stringify(request.url)} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`request.url ${JSON.stringify(request.url)} is not http(s)`);
  const ours = isObject(entry._hooktunnel) ? entry._hooktunnel : {};
  // Our own export names target and path apart (a target may carry a base path); others give a URL only.
  const route = typeof ours.route === 'string' && ours.route.startsWith('/') ? ours.route : null;
  const publicUrl = typeof ours.publicUrl === 'string' ? ours.publicUrl : null;
  const split =
    typeof ours.target === 'string' &&
    typeof ours.path === 'string' &&
    // One hooktunnel answered itself (mock route, no route) was exported with the public URL its sender used.
    String(request.url) === (answeredHere(ours.target) ? publicUrl : targetUrl(ours.target, forwardedPath({ path: ours.path, route })));
  const headers = readHeaders(request.headers, 'request.headers', fail);
  const postData = isObject(request.postData) ? request.postData : undefined;
  let body: Buffer = Buffer.alloc(0);
  if (postData) {
    const read = readText(postData, 'request.postData', fail);
    if (read) body = read;
    else if (Array.isArray(postData.params) && /x-www-form-urlencoded/i.test(String(postData.mimeType))) body = formBody(postData.params, fail);
    else bodyMissing();
  } else if (typeof request.bodySize === 'number' && request.bodySize > 0) {
    bodyMissing();
  }
  const started = Date.parse(String(entry.startedDateTime));
  return {
    method: request.method,
    target: split ? (ours.target as string) : url.origin,
    path: split ? (ours.path as string) : `${url.pathname}${url.search}`,
    url: publicUrl,
    route: split ? route : null,
    receivedAt: Number.isFinite(started) ? started : Date.now(),
    headers,
    body,
    ...answer(entry.response, ours, fail),
    durationMs: typeof entry.time === 'number' && entry.time >= 0 ? entry.time : 0,
    exported: isId(ours.id) ? { id: ours.id, replayOf: isId(ours.replayOf) ? ours.replayOf : null } : undefined,
    redacted: Array.isArray(ours.redacted) && ours.redacted.length > 0 ? ours.redacted.map(String) : undefined,
    incomplete: ours.requestComplete === false ? { error: errorOf(ours.error) } : undefined,
  };
}

/**
 * The app's answer, and for hooktunnel's own export of a failed exchange what hooktunnel answered instead: read as a
 * plain response, "the app down" would come back as "the app answered 502" (with an empty body it never sent).
 */
function answer(response: unknown, ours: Json, fail: (what: string) => UserError): Pick<ImportedExchange, 'response' | 'failure'> {
  const read = readResponse(response, fail);
  const error = ours.state === 'failed' && ours.requestComplete !== false ? errorOf(ours.error) : null;
  if (!error || !read) return { response: read };
  // bodySize -1: the export's mark for an exchange with no response from the app at all.
  const none = isObject(response) && response.bodySize === -1;
  return { response: none ? null : read, failure: { status: read.status, ...error } };
}

/** hooktunnel's own `error` of an exchange it answered itself, when the entry has a well-formed one. */
function errorOf(error: unknown): { code: string; message: string } | null {
  return isObject(error) && typeof error.code === 'string' && typeof error.message === 'string' ? { code: error.code, message: error.message } : null;
}

function readResponse(response: unknown, fail: (what: string) => UserError): ImportedExchange['response'] {
  if (!isObject(response) || typeof response.status !== 'number' || response.status === 0) return null;
  if (!Number.isInteger(response.status) || response.status < 100 || response.status > 999) throw fail(`response.status ${response.status} is not an HTTP status`);
  const content = isObject(response.content) ? response.content : {};
  return { status: response.status, headers: readHeaders(response.headers, 'response.headers', fail), body: readText(content, 'response.content', fail) ?? Buffer.alloc(0) };
}

/** HTTP/2 pseudo-headers (`:authority`, `:path` ...) are not headers a request can be sent with: left out. */
function readHeaders(list: unknown, where: string, fail: (what: string) => UserError): HeaderPairs {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw fail(`${where} is not an array`);
  const headers: HeaderPairs = [];
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== 'string' || typeof item.value !== 'string') throw fail(`${where} holds an item that is not { name, value }`);
    if (!item.name.startsWith(':')) headers.push([item.name, item.value]);
  }
  return headers;
}

/** `text`, decoded from base64 when `encoding` says so; undefined when the HAR has no text. */
function readText(holder: Json, where: string, fail: (what: string) => UserError): Buffer | undefined {
  if (holder.text === undefined) return undefined;
  if (typeof holder.text !== 'string') throw fail(`${where}.text is not a string`);
  if (holder.encoding === undefined || holder.encoding === '') return Buffer.from(holder.text, 'utf8');
  if (holder.encoding !== 'base64') throw fail(`${where}.encoding "${String(holder.encoding)}" is not supported (only base64)`);
  // The `=` padding is its own optional group: with `={0,2}\s*` after a class that holds \s too, a run of spaces that
  // ends in a wrong character is split every possible way (a 1 MB archive held import for minutes).
  if (!/^[A-Za-z0-9+/\s]*(?:={1,2}\s*)?$/.test(holder.text)) throw fail(`${where}.text is not valid base64`);
  return Buffer.from(holder.text, 'base64');
}

/** A form body rebuilt from `params` when the HAR kept only those (some tools do for url-encoded forms). */
function formBody(params: unknown[], fail: (what: string) => UserError): Buffer {
  const form = new URLSearchParams();
  for (const p of params) {
    if (!isObject(p) || typeof p.name !== 'string') throw fail('request.postData.params holds an item without a name');
    form.append(p.name, typeof p.value === 'string' ? p.value : '');
  }
  return Buffer.from(form.toString());
}
