// `hooktunnel diff`: the pure comparison (table-driven), its text view, and the command on a real store file.

import { afterAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange.js';
import { diffExchanges } from '../../src/diff/exchange-diff.js';
import { diffJson } from '../../src/diff/json-diff.js';
import { diffText } from '../../src/output/diff-text.js';
import { Store } from '../../src/store/store.js';
import { runCli, tempHome } from '../helpers/cli.js';

function exchange(id: number, overrides: Partial<Exchange> = {}): Exchange {
  return {
    id, replayOf: null, deliveryId: null, url: null, target: 'http://localhost:3000', receivedAt: 0, method: 'POST', path: '/hook',
    requestSize: 0, status: 200, responseSize: 0, durationMs: 1, state: 'complete', errorCode: null, errorMessage: null,
    requestHeaders: [['Content-Type', 'application/json'], ['X-Dup', '1'], ['X-Dup', '2']],
    requestBody: Buffer.from('{"a":1,"b":{"c":[1,2]}}'), requestSha256: null, responseHeaders: [], responseBody: Buffer.alloc(0), responseSha256: null,
    ...overrides,
  };
}

describe('diffJson', () => {
  it.each([
    [{ a: 1 }, { a: 1 }, []],
    [{ a: 1 }, { a: 2 }, [{ path: 'a', change: 'changed', a: 1, b: 2 }]],
    [{ a: 1 }, { a: '1' }, [{ path: 'a', change: 'changed', a: 1, b: '1' }]],
    [{ a: 1 }, {}, [{ path: 'a', change: 'removed', a: 1 }]],
    [{}, { 'x.y': null }, [{ path: '["x.y"]', change: 'added', b: null }]],
    [{ l: [1, 2] }, { l: [1, 3, 4] }, [{ path: 'l[1]', change: 'changed', a: 2, b: 3 }, { path: 'l[2]', change: 'added', b: 4 }]],
    [{ o: { p: 1 } }, { o: [1] }, [{ path: 'o', change: 'changed', a: { p: 1 }, b: [1] }]],
    [1, 2, [{ path: '$', change: 'changed', a: 1, b: 2 }]],
    [{ b: 1, a: 2 }, { a: 2, b: 1 }, []],
  ])('%j vs %j', (a, b, expected) => {
    expect(diffJson(a, b)).toEqual(expected);
  });
});

describe('diffExchanges', () => {
  it('finds nothing between equal exchanges', () => {
    const d = diffExchanges(exchange(1), exchange(2));
    expect(d.same).toBe(true);
    expect(diffText(d)).toBe('diff #1 → #2\nno differences');
  });

  it('reports method, path, status, headers (added, removed, changed; duplicates kept) and JSON paths', () => {
    const b = exchange(2, {
      method: 'PUT', path: '/other', status: 500,
      requestHeaders: [['content-type', 'application/json'], ['X-Dup', '1'], ['X-New', 'n']],
      requestBody: Buffer.from('{"a":2,"b":{"c":[1]},"d":true}'),
    });
    const d = diffExchanges(exchange(1), b);
    expect(d.same).toBe(false);
    expect(d.method).toEqual({ a: 'POST', b: 'PUT' });
    expect(d.path).toEqual({ a: '/hook', b: '/other' });
    expect(d.status).toEqual({ a: 200, b: 500 });
    expect(d.headers).toEqual({ added: [{ name: 'X-New', a: [], b: ['n'] }], removed: [], changed: [{ name: 'X-Dup', a: ['1', '2'], b: ['1'] }] });
    expect(d.body).toEqual({
      kind: 'json', sameBytes: false,
      changes: [
        { path: 'a', change: 'changed', a: 1, b: 2 },
        { path: 'b.c[1]', change: 'removed', a: 2 },
        { path: 'd', change: 'added', b: true },
      ],
    });
    expect(diffText(d).split('\n')).toEqual([
      'diff #1 → #2', 'method   POST → PUT', 'path     /hook → /other', 'status   200 → 500',
      'headers', '  + X-New: n', '  ~ X-Dup: 1, 2 → 1',
      'body (JSON)', '  ~ a: 1 → 2', '  - b.c[1]: 2', '  + d: true',
    ]);
  });

  it('ignores headers by name; same JSON in other bytes is a difference; other bodies by size and SHA-256', () => {
    const signed = (sig: string) => exchange(0, { requestHeaders: [['Stripe-Signature', sig]] });
    expect(diffExchanges(signed('a'), signed('b'), ['stripe-signature']).same).toBe(true);
    const spaced = diffExchanges(exchange(1), exchange(2, { requestBody: Buffer.from('{"a": 1, "b": {"c": [1, 2]}}') }));
    expect(spaced).toMatchObject({ same: false, body: { kind: 'json', changes: [], sameBytes: false } });
    expect(diffText(spaced)).toContain('the same JSON value, written with different bytes');
    const bytes = diffExchanges(exchange(1, { requestBody: Buffer.from([0xff, 0]) }), exchange(2, { requestBody: Buffer.from('{}') }));
    expect(bytes.body).toMatchObject({ kind: 'bytes', same: false, a: { size: 2 }, b: { size: 2, sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' } });
    expect(diffText(bytes)).toContain('body     2 B sha256:');
  });

  it('escapes control characters from the network', () => {
    const d = diffExchanges(exchange(1), exchange(2, { path: '/\x1b[2J', requestHeaders: [['X-E', '\x1b]52;c;x\x07']] }));
    expect(diffText(d)).not.toMatch(/[\x1b\x07]/);
    expect(diffText(d)).toContain('\\e[2J');
  });
});

describe('hooktunnel diff', () => {
  const home = tempHome();
  afterAll(() => home.cleanup());

  it('compares two stored exchanges, as text and --json, with --exit-code', async () => {
    const store = Store.open(home.db);
    const record = (body: string, headers: [string, string][]) => {
      const recording = store.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://localhost:1', receivedAt: Date.now(), method: 'POST', path: '/p', headers, body: Buffer.from(body) });
      recording.respond(200, []);
      recording.complete(1);
      return recording.id;
    };
    const a = record('{"amount":1}', [['X-A', '1']]);
    const b = record('{"amount":2}', [['X-A', '1']]);
    const c = record('{"amount":1}', [['X-A', '1']]);
    store.close();

    const text = await runCli(['diff', String(a), String(b), '--db', home.db], { env: home.env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('~ amount: 1 → 2');
    const json = await runCli(['diff', String(a), String(b), '--json', '--exit-code', '--db', home.db], { env: home.env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ a, b, same: false, body: { kind: 'json', changes: [{ path: 'amount', a: 1, b: 2 }] } });
    const same = await runCli(['diff', String(a), String(c), '--exit-code', '--db', home.db], { env: home.env });
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('no differences');
    const missing = await runCli(['diff', String(a), '99', '--db', home.db], { env: home.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no exchange #99');
  });

  it('compares bodies nested deeper than a stack can follow by size and SHA-256, instead of crashing', async () => {
    const store = Store.open(home.db);
    // Valid JSON, 40 KB each: 20 000 arrays inside each other around a 1 and a 2.
    const deep = (leaf: string) => Buffer.from(`${'['.repeat(20_000)}${leaf}${']'.repeat(20_000)}`);
    const ids = ['1', '2'].map((leaf) => {
      const recording = store.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://localhost:1', receivedAt: Date.now(), method: 'POST', path: '/deep', headers: [], body: deep(leaf) });
      recording.respond(200, []);
      recording.complete(1);
      return recording.id;
    });
    store.close();
    const text = await runCli(['diff', ...ids.map(String), '--exit-code', '--db', home.db], { env: home.env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^body {5}39\.1 KiB sha256:\w{12} → 39\.1 KiB sha256:\w{12}$/m);
    const json = await runCli(['diff', ...ids.map(String), '--json', '--db', home.db], { env: home.env });
    expect(JSON.parse(json.stdout)).toMatchObject({ same: false, body: { kind: 'bytes', same: false } });
  });

  it('lists every change of two JSON bodies differing in more places than a function call takes arguments', async () => {
    const store = Store.open(home.db);
    // 200,000 numbers, each one changed: more lines than a spread into push() can pass (that crashed diff).
    const numbers = (offset: number) => Buffer.from(JSON.stringify(Array.from({ length: 200_000 }, (_, i) => (i + offset) % 10)));
    const ids = [0, 1].map((offset) => {
      const recording = store.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://localhost:1', receivedAt: Date.now(), method: 'POST', path: '/many', headers: [], body: numbers(offset) });
      recording.respond(200, []);
      recording.complete(1);
      return recording.id;
    });
    store.close();
    const text = await runCli(['diff', ...ids.map(String), '--db', home.db], { env: home.env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const changes = text.stdout.split('\n').filter((line) => line.startsWith('  ~ ['));
    expect(changes).toHaveLength(200_000);
    expect(changes[199_999]).toBe('  ~ [199999]: 9 → 0');
  });

  it('--exit-code: errors exit 2, never 1 (which means "they differ")', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [['diff', '1', '999', '--exit-code', '--db', home.db], home.env, 'error: no exchange #999'],
      [['diff', '1', '2', '--exit-code', '--db', `${home.dir}/typo.db`], home.env, 'error: no capture database at'],
      [['diff', '1', '2', '--exit-code'], home.env, 'error: nothing recorded yet'],
      [['diff', '1', '#x', '--exit-code', '--db', home.db], home.env, 'error: "#x" is not an exchange id'],
    ];
    for (const [argv, env, message] of cases) {
      const result = await runCli(argv, { env });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('    at ');
    }
  });
});
