// Redaction rules: parsing, headers, JSON bodies replaced in place (every other byte kept), and the store applying
// them before anything is written.

import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { findJsonSpan } from '../../src/redact/json-span.js';
import { MAX_REDACT_INFLATED_BYTES, notApplied, parseRedactRule, redactBody, redactEncodedBody, redactExchange, redactHeaders, redactRequest } from '../../src/redact/redact.js';
import { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { exchange } from '../export/support.js';

const rules = (...texts: string[]) => texts.map((t) => parseRedactRule(t));

describe('parseRedactRule', () => {
  it.each([
    ['header:Authorization', { kind: 'header', name: 'authorization', text: 'header:authorization' }],
    ['body:$.card.number', { kind: 'body', path: ['card', 'number'], text: 'body:$.card.number' }],
    ['body:items[0].secret', { kind: 'body', path: ['items', 0, 'secret'], text: 'body:items[0].secret' }],
  ])('%s', (text, rule) => expect(parseRedactRule(text)).toEqual(rule));

  it.each(['authorization', 'header:', 'header:bad name', 'cookie:x', 'body:', 'body:a..b'])('refuses %s', (text) => {
    expect(() => parseRedactRule(text)).toThrow(UserError);
  });
});

describe('redaction', () => {
  it('replaces header values, keeping names, order and duplicates', () => {
    const hits = new Set<string>();
    expect(redactHeaders([['Authorization', 'Bearer x'], ['X-A', '1'], ['authorization', 'y']], rules('header:authorization'), hits)).toEqual([
      ['Authorization', '[REDACTED]'], ['X-A', '1'], ['authorization', '[REDACTED]'],
    ]);
    expect([...hits]).toEqual(['header:authorization']);
  });

  it.each([
    ['{"card":{"number":"4242 4242","cvc":123},"n":1}', ['body:$.card.number'], '{"card":{"number":"[REDACTED]","cvc":123},"n":1}'],
    ['{ "card" : { "number" : 4242 } ,\n  "keep":"me" }', ['body:card.number'], '{ "card" : { "number" : "[REDACTED]" } ,\n  "keep":"me" }'],
    ['{"a":[{"s":"x"},{"s":"y\\"}]"}]}', ['body:a[1].s'], '{"a":[{"s":"x"},{"s":"[REDACTED]"}]}'],
    ['{"a":{"b":1},"c":2}', ['body:a', 'body:a.b', 'body:c'], '{"a":"[REDACTED]","c":"[REDACTED]"}'],
    ['{"a":1}', ['body:missing'], '{"a":1}'],
    ['not json {"a":1}', ['body:a'], 'not json {"a":1}'],
    // A body cut short is still redacted where the value can be found: leaving it would be the unsafe choice.
    ['{"a":1', ['body:a'], '{"a":"[REDACTED]"'],
  ])('%s with %j', (body, texts, expected) => {
    expect(redactBody(Buffer.from(body), rules(...texts)).toString()).toBe(expected);
  });

  it('keeps every byte outside the redacted value, a stray invalid UTF-8 byte and non-ASCII keys included', () => {
    const body = Buffer.concat([Buffer.from('{"carté":{"number":"4242"},"note":"'), Buffer.from([0xff, 0xc3]), Buffer.from('é"}')]);
    const out = redactBody(body, rules('body:carté.number'));
    expect(out).toEqual(Buffer.concat([Buffer.from('{"carté":{"number":"[REDACTED]"},"note":"'), Buffer.from([0xff, 0xc3]), Buffer.from('é"}')]));
  });

  it('keeps Content-Length true to the redacted body and lists what applied', () => {
    const body = Buffer.from('{"card":{"number":"4242"}}');
    const result = redactRequest([['Content-Length', String(body.length)], ['Authorization', 'x']], body, rules('header:authorization', 'body:card.number', 'header:cookie'));
    expect(result.body.toString()).toBe('{"card":{"number":"[REDACTED]"}}');
    expect(result.headers).toEqual([['Content-Length', String(result.body.length)], ['Authorization', '[REDACTED]']]);
    expect(result.redacted.sort()).toEqual(['body:card.number', 'header:authorization']);
  });

  it('finds spans past strings full of brackets and escapes', () => {
    const text = '{"x":"]}{[\\"","y":[1,{"z":true}]}';
    const span = findJsonSpan(text, ['y', 1, 'z'])!;
    expect(text.slice(...span)).toBe('true');
  });

  it('redacts an exchange for export: request and response headers, request body, marks merged', () => {
    const e = exchange({ redacted: ['header:x-old'], responseHeaders: [['Set-Cookie', 's=1']], requestBody: Buffer.from('{"id":"evt_1","n":1}') });
    const out = redactExchange(e, rules('header:set-cookie', 'body:id', 'header:stripe-signature'));
    expect(out.requestBody.toString()).toBe('{"id":"[REDACTED]","n":1}');
    expect(out.requestHeaders.find(([n]) => n === 'Stripe-Signature')![1]).toBe('[REDACTED]');
    expect(out.responseHeaders).toEqual([['Set-Cookie', '[REDACTED]']]);
    expect(out.redacted!.sort()).toEqual(['body:id', 'header:set-cookie', 'header:stripe-signature', 'header:x-old']);
    expect(redactExchange(e, [])).toBe(e);
  });
});

describe('redaction of gzip bodies', () => {
  const GZIP_WHY = `gzip body that does not inflate within ${MAX_REDACT_INFLATED_BYTES / 1024 / 1024} MiB`;
  const gzipHeaders = (coding = 'gzip', length?: number): [string, string][] => [
    ['Content-Type', 'application/json'],
    ['Content-Encoding', coding],
    ...(length === undefined ? [] : ([['Content-Length', String(length)]] as [string, string][])),
  ];

  it.each(['gzip', 'GZip', ' x-gzip ', 'identity, gzip'])('inflates, redacts and gzips again under Content-Encoding %j', (coding) => {
    const plain = Buffer.from('{"card": {"number": "4242", "exp": "12/30"}, "amount": 2000}');
    const body = gzipSync(plain);
    const hits = new Set<string>();
    const out = redactEncodedBody(gzipHeaders(coding), body, rules('body:$.card.number'), hits);
    // Still gzip, and inside it the JSON with only the value replaced.
    expect(gunzipSync(out).toString()).toBe('{"card": {"number": "[REDACTED]", "exp": "12/30"}, "amount": 2000}');
    expect([...hits]).toEqual(['body:$.card.number']);
  });

  it('keeps a stray invalid UTF-8 byte inside the gzip body', () => {
    const plain = Buffer.concat([Buffer.from('{"card":{"number":"4242"},"note":"'), Buffer.from([0xff, 0xc3]), Buffer.from('é"}')]);
    const out = redactEncodedBody(gzipHeaders(), gzipSync(plain), rules('body:card.number'));
    expect(gunzipSync(out)).toEqual(Buffer.concat([Buffer.from('{"card":{"number":"[REDACTED]"},"note":"'), Buffer.from([0xff, 0xc3]), Buffer.from('é"}')]));
  });

  it('leaves the gzip bytes as they came when there is nothing to redact, or the JSON is not JSON', () => {
    for (const plain of ['{"card":{"cvc":1}}', 'card.number=4242']) {
      const body = gzipSync(Buffer.from(plain));
      const hits = new Set<string>();
      expect(redactEncodedBody(gzipHeaders(), body, rules('body:card.number'), hits)).toBe(body);
      expect([...hits]).toEqual([]);
    }
  });

  it('keeps Content-Length true to the new gzip body (Content-Encoding stays) through redactRequest and redactExchange', () => {
    const body = gzipSync(Buffer.from('{"card":{"number":"4242424242424242"}}'));
    const result = redactRequest(gzipHeaders('gzip', body.length), body, rules('body:card.number'));
    expect(gunzipSync(result.body).toString()).toBe('{"card":{"number":"[REDACTED]"}}');
    expect(result.headers).toEqual(gzipHeaders('gzip', result.body.length));
    expect(result.redacted).toEqual(['body:card.number']);
    // A rule on Content-Encoding itself does not hide the coding from the body rules.
    const both = redactRequest(gzipHeaders('gzip', body.length), body, rules('header:content-encoding', 'body:card.number'));
    expect(gunzipSync(both.body).toString()).toBe('{"card":{"number":"[REDACTED]"}}');

    const out = redactExchange(exchange({ requestHeaders: gzipHeaders('gzip', body.length), requestBody: body }), rules('body:card.number'));
    expect(gunzipSync(out.requestBody).toString()).toBe('{"card":{"number":"[REDACTED]"}}');
    expect(out.requestSize).toBe(out.requestBody.length);
    expect(out.redacted).toEqual(['body:card.number']);
  });

  it('marks every body rule not applied, and keeps the bytes, for a body labelled gzip that is not, or is cut short', () => {
    const plain = Buffer.from('{"card":{"number":"4242"}}');
    for (const body of [plain, gzipSync(plain).subarray(0, 20)]) {
      const result = redactRequest([...gzipHeaders('gzip', body.length), ['Authorization', 'x']], body, rules('body:card.number', 'body:id', 'header:authorization'));
      expect(result.body).toBe(body);
      expect(result.headers).toEqual([...gzipHeaders('gzip', body.length), ['Authorization', '[REDACTED]']]);
      expect(result.redacted.sort()).toEqual(['body:card.number (not applied: ' + GZIP_WHY + ')', notApplied('body:id', GZIP_WHY), 'header:authorization']);
    }
  });

  it('marks the rules not applied for a gzip body that inflates past MAX_REDACT_INFLATED_BYTES', () => {
    const huge = Buffer.alloc(MAX_REDACT_INFLATED_BYTES + 1, 0x20);
    huge.write('{"card":{"number":"4242"}}');
    const body = gzipSync(huge, { level: 1 });
    const hits = new Set<string>();
    expect(redactEncodedBody(gzipHeaders(), body, rules('body:card.number'), hits)).toBe(body);
    expect([...hits]).toEqual([notApplied('body:card.number', GZIP_WHY)]);
  });

  it('marks the rules not applied under another coding, and leaves bodies alone when no body rule is given', () => {
    const body = Buffer.from('{"card":{"number":"4242"}}');
    for (const coding of ['br', 'gzip, gzip', 'deflate']) {
      const hits = new Set<string>();
      expect(redactEncodedBody(gzipHeaders(coding), body, rules('body:card.number'), hits)).toBe(body);
      expect([...hits]).toEqual([notApplied('body:card.number', 'Content-Encoding other than gzip')]);
    }
    const hits = new Set<string>();
    expect(redactEncodedBody(gzipHeaders(), body, rules('header:authorization'), hits)).toBe(body);
    expect(redactEncodedBody(gzipHeaders(), Buffer.alloc(0), rules('body:card.number'), hits)).toEqual(Buffer.alloc(0));
    expect([...hits]).toEqual([]);
  });
});

describe('a store that redacts', () => {
  const home = tempHome();
  afterAll(() => home.cleanup());
  const start = (headers: [string, string][], body?: Buffer) => ({
    deliveryId: null, replayOf: null, url: null, target: 'http://localhost:1', receivedAt: Date.now(), method: 'POST', path: '/p', headers, body,
  });

  it('stores whole bodies and streamed ones redacted, response headers too, and marks them', () => {
    const store = Store.open(home.db, { redact: rules('header:authorization', 'header:set-cookie', 'body:card.number') });
    const whole = store.begin(start([['Authorization', 'secret-1']], Buffer.from('{"card":{"number":"4242-secret"}}')));
    whole.respond(200, [['Set-Cookie', 'session-secret']]);
    whole.complete(1);
    expect(whole.unredactedBody!.toString()).toContain('4242-secret');
    const a = store.get(whole.id)!;
    expect(a.requestHeaders).toEqual([['Authorization', '[REDACTED]']]);
    expect(a.requestBody.toString()).toBe('{"card":{"number":"[REDACTED]"}}');
    expect(a.responseHeaders).toEqual([['Set-Cookie', '[REDACTED]']]);
    expect(a.redacted!.sort()).toEqual(['body:card.number', 'header:authorization', 'header:set-cookie']);

    // Over the 1 MiB chunk size: held whole in memory, so no unredacted chunk is ever written.
    const filler = randomBytes(700 * 1024).toString('hex');
    const big = Buffer.from(JSON.stringify({ filler, card: { number: '9999-secret' } }));
    const streamed = store.begin(start([['Content-Length', String(big.length)]]));
    for (let i = 0; i < big.length; i += 64 * 1024) streamed.appendRequestBody(big.subarray(i, i + 64 * 1024));
    streamed.endRequestBody();
    streamed.respond(204, []);
    streamed.complete(1);
    const b = store.get(streamed.id)!;
    expect(b.requestBody.toString()).not.toContain('9999-secret');
    expect(JSON.parse(b.requestBody.toString())).toEqual({ filler, card: { number: '[REDACTED]' } });
    expect(b.requestHeaders).toEqual([['Content-Length', String(b.requestBody.length)]]);
    expect(b.requestSize).toBe(b.requestBody.length);
    expect(b.redacted).toEqual(['body:card.number']);
    store.close();
  });

  it('stores gzip bodies, whole or streamed, gzipped and redacted; one it cannot inflate as it came, marked', () => {
    const store = Store.open(home.db, { redact: rules('body:card.number') });
    const json = Buffer.from('{"card":{"number":"4242-secret"}}');
    const gz = gzipSync(json);
    const headers: [string, string][] = [['Content-Encoding', 'gzip'], ['Content-Length', String(gz.length)]];
    const whole = store.begin(start(headers, gz));
    whole.respond(200, []);
    whole.complete(1);
    expect(whole.unredactedBody).toBe(gz);
    const streamed = store.begin(start(headers));
    streamed.appendRequestBody(gz);
    streamed.endRequestBody();
    streamed.respond(200, []);
    streamed.complete(1);
    for (const id of [whole.id, streamed.id]) {
      const e = store.get(id)!;
      expect(gunzipSync(e.requestBody).toString()).toBe('{"card":{"number":"[REDACTED]"}}');
      expect(e.requestHeaders).toEqual([['Content-Encoding', 'gzip'], ['Content-Length', String(e.requestBody.length)]]);
      expect(e.requestSize).toBe(e.requestBody.length);
      expect(e.redacted).toEqual(['body:card.number']);
    }

    // Labelled gzip but not: kept as it came (like any body a rule cannot read), and never passed off as clean.
    const mark = notApplied('body:card.number', `gzip body that does not inflate within ${MAX_REDACT_INFLATED_BYTES / 1024 / 1024} MiB`);
    const notGzip = store.begin(start([['Content-Encoding', 'gzip']], json));
    notGzip.respond(200, []);
    notGzip.complete(1);
    const streamedNotGzip = store.begin(start([['Content-Encoding', 'gzip']]));
    streamedNotGzip.appendRequestBody(json);
    streamedNotGzip.endRequestBody();
    streamedNotGzip.respond(200, []);
    streamedNotGzip.complete(1);
    for (const id of [notGzip.id, streamedNotGzip.id]) {
      const e = store.get(id)!;
      expect(e.requestBody).toEqual(json);
      expect(e.redacted).toEqual([mark]);
    }
    expect(streamedNotGzip.redacted).toEqual([mark]);
    store.close();
  });
});
