// HAR export, checked against the fields HAR 1.2 requires (a small checker: no HAR validator is installed).

import { describe, expect, it } from 'vitest';
import { toHar } from '../../src/export/har.js';
import { ALL_BYTES, exchange } from './support.js';

type Json = Record<string, unknown>;

/** Every problem with `value` against the HAR 1.2 required fields, as `path: problem` strings. */
function harProblems(har: unknown): string[] {
  const problems: string[] = [];
  const need = (object: unknown, path: string, fields: Record<string, string>) => {
    if (typeof object !== 'object' || object === null) return void problems.push(`${path}: not an object`);
    for (const [field, type] of Object.entries(fields)) {
      const value = (object as Json)[field];
      const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
      if (actual !== type) problems.push(`${path}.${field}: ${actual}, want ${type}`);
    }
  };
  const pairs = (list: unknown, path: string) =>
    (Array.isArray(list) ? list : []).forEach((item, i) =>
      need(item, `${path}[${i}]`, { name: 'string', value: 'string' }),
    );
  need(har, 'har', { log: 'object' });
  const log = (har as Json).log as Json;
  need(log, 'log', { version: 'string', creator: 'object', entries: 'array' });
  need(log.creator, 'log.creator', { name: 'string', version: 'string' });
  if (log.version !== '1.2') problems.push(`log.version: ${String(log.version)}`);
  ((log.entries as Json[]) ?? []).forEach((entry, i) => {
    const at = `log.entries[${i}]`;
    need(entry, at, {
      startedDateTime: 'string',
      time: 'number',
      request: 'object',
      response: 'object',
      cache: 'object',
      timings: 'object',
    });
    if (Number.isNaN(Date.parse(entry.startedDateTime as string))) problems.push(`${at}.startedDateTime: not ISO 8601`);
    const request = entry.request as Json;
    need(request, `${at}.request`, {
      method: 'string', url: 'string', httpVersion: 'string', cookies: 'array', headers: 'array',
      queryString: 'array', headersSize: 'number', bodySize: 'number',
    });
    if (request.postData !== undefined) {
      need(request.postData, `${at}.request.postData`, { mimeType: 'string', text: 'string' });
    }
    const response = entry.response as Json;
    need(response, `${at}.response`, {
      status: 'number', statusText: 'string', httpVersion: 'string', cookies: 'array', headers: 'array',
      content: 'object', redirectURL: 'string', headersSize: 'number', bodySize: 'number',
    });
    need(response.content, `${at}.response.content`, { size: 'number', mimeType: 'string' });
    for (const [name, list] of [['request', request], ['response', response]] as const) {
      pairs(list.headers, `${at}.${name}.headers`);
      pairs(list.cookies, `${at}.${name}.cookies`);
    }
    pairs(request.queryString, `${at}.request.queryString`);
    const timings = entry.timings as Json;
    need(timings, `${at}.timings`, { send: 'number', wait: 'number', receive: 'number' });
    const total = ['send', 'wait', 'receive'].reduce((sum, k) => sum + Math.max(0, timings[k] as number), 0);
    if (total !== entry.time) problems.push(`${at}.time: ${entry.time} ≠ timings ${total}`);
  });
  return problems;
}

describe('toHar', () => {
  it('is checked by a checker that does catch missing fields', () => {
    const har = JSON.parse(JSON.stringify(toHar([exchange()])));
    delete har.log.entries[0].request.method;
    har.log.entries[0].response.headers.push({ name: 'x' });
    har.log.entries[0].time = 5;
    expect(harProblems(har)).toEqual([
      'log.entries[0].request.method: undefined, want string',
      'log.entries[0].response.headers[2].value: undefined, want string',
      'log.entries[0].time: 5 ≠ timings 42',
    ]);
  });

  it('writes a HAR 1.2 log with every required field', () => {
    const har = toHar([exchange(), exchange({ id: 8, method: 'GET', path: '/health', requestBody: Buffer.alloc(0) })], {
      version: '0.1.0',
    });
    expect(harProblems(har)).toEqual([]);
    expect(har.log.creator).toEqual({ name: 'hooktunnel', version: '0.1.0' });
    expect(harProblems(JSON.parse(JSON.stringify(har)))).toEqual([]);
  });

  it('records the request as forwarded, with the exact text body', () => {
    const [entry] = toHar([exchange({ path: '/webhooks/stripe?attempt=2&mode=test' })]).log.entries;
    expect(entry.startedDateTime).toBe('2024-08-05T14:30:00.123Z');
    expect(entry.time).toBe(42);
    expect(entry.request).toMatchObject({
      method: 'POST',
      url: 'http://localhost:3000/webhooks/stripe?attempt=2&mode=test',
      httpVersion: 'HTTP/1.1',
      queryString: [{ name: 'attempt', value: '2' }, { name: 'mode', value: 'test' }],
      postData: { mimeType: 'application/json; charset=utf-8', text: '{"id":"evt_1","n":1}' },
      bodySize: 20,
    });
    expect(entry.request.headers[3]).toEqual({ name: 'Stripe-Signature', value: 't=1722860000,v1=abc' });
    expect(entry.response).toMatchObject({
      status: 200,
      statusText: 'OK',
      content: { size: 11, mimeType: 'application/json', text: '{"ok":true}' },
    });
    expect(entry._hooktunnel).toMatchObject({
      id: 7,
      publicUrl: 'https://quiet-fox.hooktunnel.example/webhooks/stripe',
    });
  });

  it('base64-encodes bodies that are not valid UTF-8, in both directions', () => {
    const [entry] = toHar([exchange({ requestBody: ALL_BYTES, responseBody: ALL_BYTES })]).log.entries;
    expect(entry.request.postData).toMatchObject({ encoding: 'base64' });
    expect(Buffer.from(entry.request.postData!.text, 'base64')).toEqual(ALL_BYTES);
    expect(entry.response.content.encoding).toBe('base64');
    expect(Buffer.from(entry.response.content.text, 'base64')).toEqual(ALL_BYTES);
  });

  it('writes a valid entry for an exchange that never got a response', () => {
    const pending = exchange({
      status: null,
      responseHeaders: null,
      responseBody: null,
      durationMs: null,
      state: 'pending',
    });
    const har = toHar([pending]);
    expect(harProblems(har)).toEqual([]);
    const { response } = har.log.entries[0];
    expect(response).toMatchObject({ status: 0, statusText: '', bodySize: -1, content: { size: 0 } });
  });

  it('parses request and response cookies and the redirect target', () => {
    const [entry] = toHar([
      exchange({
        requestHeaders: [['Cookie', 'session=abc; theme=dark']],
        status: 302,
        responseHeaders: [
          ['Location', '/login'],
          ['Set-Cookie', 'session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure'],
        ],
      }),
    ]).log.entries;
    expect(entry.request.cookies).toEqual([{ name: 'session', value: 'abc' }, { name: 'theme', value: 'dark' }]);
    expect(entry.response.cookies).toEqual([
      { name: 'session', value: '', path: '/', expires: 'Thu, 01 Jan 1970 00:00:00 GMT', httpOnly: true, secure: true },
    ]);
    expect(entry.response).toMatchObject({ status: 302, statusText: 'Found', redirectURL: '/login' });
  });

  it('records hooktunnel errors in the custom _hooktunnel field', () => {
    const error = { code: 'local_timeout', message: 'no answer in 30 s' };
    const failed = exchange({ status: 504, state: 'failed', errorCode: error.code, errorMessage: error.message });
    expect(toHar([failed]).log.entries[0]._hooktunnel.error).toEqual(error);
  });
});
