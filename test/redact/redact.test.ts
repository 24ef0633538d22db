// Redaction rules: parsing, headers, JSON bodies replaced in place (every other byte kept), and the store applying
// them before anything is written.

import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { findJsonSpan } from '../../src/redact/json-span.js';
import { parseRedactRule, redactBody, redactExchange, redactHeaders, redactRequest } from '../../src/redact/redact.js';
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
});
