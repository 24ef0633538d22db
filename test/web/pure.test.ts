// The inspector's pure pieces: JSON-aware body diff, the filter's extra terms, the router and the feed batches.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/exchange.js';
import { FeedBatch } from '../../src/web/feed-batch.js';
import { diffBodies, diffLines, MAX_DIFF_BYTES } from '../../src/web/json-diff.js';
import { parseWebFilter } from '../../src/web/list-filter.js';
import { HttpError, Router } from '../../src/web/router.js';
import { formatListTime } from '../../web/client/format.js';
import { LIST_NOW, LIST_TIMES } from '../helpers/list-times.js';

describe('diffBodies on JSON', () => {
  it('diffs structurally, as `hooktunnel diff` does: key order and whitespace ignored, changes at their paths', () => {
    const a = Buffer.from('{"id":"evt_1","data":{"amount":2000,"items":[1,2,3],"odd key":true},"gone":1}');
    const b = Buffer.from('{"data":{"items":[1,5],"amount":2000,"odd key":false},"id":"evt_1","new":null}');
    expect(diffBodies(a, b)).toEqual({
      kind: 'json',
      changes: [
        { path: 'data.items[1]', change: 'changed', a: 2, b: 5 },
        { path: 'data.items[2]', change: 'removed', a: 3 },
        { path: 'data["odd key"]', change: 'changed', a: true, b: false },
        { path: 'gone', change: 'removed', a: 1 },
        { path: 'new', change: 'added', b: null },
      ],
      sameBytes: false,
    });
  });

  it('takes a key named like an Object.prototype member for an ordinary key', () => {
    expect(diffBodies(Buffer.from('{"toString":1}'), Buffer.from('{}'))).toEqual({ kind: 'json', changes: [{ path: 'toString', change: 'removed', a: 1 }], sameBytes: false });
  });
});

describe('diffBodies', () => {
  it.each([
    // Equal JSON in other bytes, which breaks a signature, is told from the same bytes.
    ['{"a":1}', '{ "a" : 1 }', { kind: 'json', changes: [], sameBytes: false }],
    ['{"a":1}', '{"a":1}', { kind: 'json', changes: [], sameBytes: true }],
    ['one\ntwo', 'one\nthree', { kind: 'text', lines: [{ op: ' ', text: 'one' }, { op: '-', text: 'two' }, { op: '+', text: 'three' }] }],
  ])('%j vs %j', (a, b, expected) => {
    expect(diffBodies(Buffer.from(a), Buffer.from(b))).toEqual(expected);
  });

  it('compares binary and oversized bodies byte for byte', () => {
    expect(diffBodies(Buffer.from([0xff, 0]), Buffer.from([0xff, 0]))).toMatchObject({ kind: 'bytes', same: true });
    const big = Buffer.alloc(MAX_DIFF_BYTES + 1, 'a');
    expect(diffBodies(big, Buffer.from('a'))).toMatchObject({ kind: 'bytes', same: false });
  });

  it('diffs lines by longest common subsequence', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'c', 'd']).map((l) => `${l.op}${l.text}`)).toEqual([' a', '-b', ' c', '+d']);
  });
});

describe('parseWebFilter', () => {
  it('takes method: and path: out and leaves the TUI terms', () => {
    const filter = parseWebFilter('method:post path:/Hooks status:5xx provider:stripe invoice');
    expect(filter.method).toBe('POST');
    expect(filter.path).toBe('/Hooks');
    expect(filter.query.terms).toEqual([{ kind: 'status', value: '5xx' }, { kind: 'provider', value: 'stripe' }]);
    expect(filter.query.words).toEqual(['invoice']);
  });
});

describe('Router', () => {
  const router = new Router().add('GET', '/api/exchanges/:id/raw/:part', () => {});

  it('matches params', () => {
    expect(router.match('GET', '/api/exchanges/12/raw/request').params).toEqual({ id: '12', part: 'request' });
    expect(router.match('HEAD', '/api/exchanges/12/raw/request').params.id).toBe('12');
  });

  it.each([
    ['GET', '/api/exchanges/12', 404],
    ['POST', '/api/exchanges/12/raw/request', 405],
  ])('%s %s → %d', (method, path, status) => {
    expect(() => router.match(method, path)).toThrow(HttpError);
    try {
      router.match(method, path);
    } catch (error) {
      expect((error as HttpError).status).toBe(status);
    }
  });
});

describe('FeedBatch', () => {
  const summary = (id: number, state: ExchangeSummary['state']): ExchangeSummary => ({
    id, replayOf: null, deliveryId: null, url: null, target: 'http://127.0.0.1:1', receivedAt: 0, method: 'POST', path: `/${id}`,
    requestSize: 0, status: state === 'complete' ? 200 : null, responseSize: null, durationMs: null, state, errorCode: null, errorMessage: null,
  });

  it('sends each exchange once per batch, as it is last, in first-change order, and skips unrecorded ones', () => {
    const sent: Record<string, unknown>[][] = [];
    const batch = new FeedBatch((exchanges) => sent.push(exchanges));
    batch.add(summary(1, 'pending'));
    batch.add(summary(2, 'pending'));
    batch.add(summary(0, 'complete'));
    batch.add(summary(1, 'complete'));
    batch.flush();
    batch.flush();
    batch.close();
    expect(sent.map((b) => b.map((e) => [e.id, e.state]))).toEqual([[[1, 'complete'], [2, 'pending']]]);
  });
});

describe("the list's time column", () => {
  it.each(LIST_TIMES)('%s as %j, as `hooktunnel ls` shows it', (at, text) => {
    expect(formatListTime(at.toISOString(), LIST_NOW)).toBe(text);
  });
});

describe('the page source', () => {
  it('never turns strings into markup (webhook text goes in through textContent and value only)', () => {
    const dir = fileURLToPath(new URL('../../web/client/', import.meta.url));
    const sinks = /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment|\beval\(|new Function\(/;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const code = readFileSync(`${dir}${file}`, 'utf8').replace(/\/\/.*$/gm, '');
      expect(sinks.test(code), file).toBe(false);
    }
  });
});
