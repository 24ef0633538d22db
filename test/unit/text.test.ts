import { describe, expect, it } from 'vitest';
import { sanitize } from '../../src/sanitize.js';
import { crashReport } from '../../src/cli/main.js';
import { formatDuration, parseBytes, parseDuration } from '../../src/duration.js';
import { contentCodings, isGzip, MAX_DECODED_BYTES } from '../../src/gzip-body.js';
import { viewBody } from '../../src/output/body-view.js';
import { exchangeTable, logLine } from '../../src/output/exchange-text.js';
import { formatListTime, formatSize } from '../../src/output/format.js';
import { formatSize as webFormatSize } from '../../web/client/format.js';
import { LIST_NOW, LIST_TIMES } from '../helpers/list-times.js';
import type { ExchangeSummary } from '../../src/exchange.js';
import { gzipSync } from 'node:zlib';

describe('sanitize', () => {
  it.each([
    ['plain text', 'plain text'],
    ['tab\tkept', 'tab\tkept'],
    ['\x1b]0;pwned\x07', '\\e]0;pwned\\x07'],
    ['\x1b]52;c;ZXZpbA==\x07', '\\e]52;c;ZXZpbA==\\x07'],
    ['\x1b[2J\x1b[31mred', '\\e[2J\\e[31mred'],
    ['c1 \x9b31m \x85', 'c1 \\x9b31m \\x85'],
    ['del \x7f nul \x00', 'del \\x7f nul \\x00'],
    ['bidi \u202e \u2066 \u2069', 'bidi \\u{202e} \\u{2066} \\u{2069}'],
    ['alm \u061c notes \ufff9a\ufffab\ufffb', 'alm \\u{61c} notes \\u{fff9}a\\u{fffa}b\\u{fffb}'],
    ['zero\u200bwidth\ufeff', 'zero\\u{200b}width\\u{feff}'],
    ['line\nbreak\r', 'line\\nbreak\\r'],
    ['ünïcödé ✓ 日本', 'ünïcödé ✓ 日本'],
  ])('escapes %j', (input, expected) => {
    expect(sanitize(input)).toBe(expected);
  });

  it('keeps newlines only in multi-line mode', () => {
    expect(sanitize('a\nb\r\n', { multiline: true })).toBe('a\nb\\r\n');
  });
});

describe('durations and sizes', () => {
  it.each([
    ['45s', 45_000],
    ['2m', 120_000],
    ['30', 30_000],
    ['0', 0],
    ['500ms', 500],
    ['1.5s', 1500],
    ['7d', 604_800_000],
    // Not 0, which --timeout reads as "forever".
    ['0.0001', 1],
  ])('parses %s', (value, ms) => expect(parseDuration(value, '--timeout')).toBe(ms));

  it.each([
    [4.25, '4.3ms'],
    [850, '850ms'],
    [999.7, '1.0s'],
    [1_234, '1.2s'],
    [59_960, '1m 0s'],
    [179_600, '3m 0s'],
    [185_000, '3m 5s'],
    [7_800_000, '2h 10m'],
    [30 * 86_400_000, '30d 0h'],
  ])('formats %d ms as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('names the flag and value when a duration is wrong', () => {
    expect(() => parseDuration('soon', '--timeout')).toThrow('--timeout "soon" is not a duration');
  });

  it.each([
    ['26214400', 26_214_400],
    ['25mb', 26_214_400],
    ['512kb', 524_288],
    ['1GiB', 1024 ** 3],
  ])('parses size %s', (value, bytes) => expect(parseBytes(value, '--max-body')).toBe(bytes));
});

describe('body view', () => {
  it('pretty-prints JSON', () => {
    expect(viewBody(Buffer.from('{"a":[1,2]}'), 'application/json').lines).toEqual(['{', '  "a": [', '    1,', '    2', '  ]', '}']);
  });
  it('decodes forms', () => {
    expect(viewBody(Buffer.from('a=1&b=x%20y'), 'application/x-www-form-urlencoded').lines).toEqual(['a = 1', 'b = x y']);
  });
  it('pretty-prints a form field that holds JSON, as Slack interactivity posts its payload', () => {
    const form = `payload=${encodeURIComponent('{"type":"block_actions","actions":[{"value":"x y"}]}')}&b=%7Bnot%20json`;
    expect(viewBody(Buffer.from(form), 'application/x-www-form-urlencoded').lines).toEqual([
      'payload = (JSON)',
      '  {',
      '    "type": "block_actions",',
      '    "actions": [',
      '      {',
      '        "value": "x y"',
      '      }',
      '    ]',
      '  }',
      'b = {not json',
    ]);
  });
  it('shows JSON form fields as they came once their pretty text would pass the budget', () => {
    const form = `a=${encodeURIComponent('[1,2]')}&b=${encodeURIComponent('[3,4]')}`;
    const limits = { bytes: 1024, prettyChars: 20 };
    expect(viewBody(Buffer.from(form), 'application/x-www-form-urlencoded', false, limits).lines).toEqual(['a = (JSON)', '  [', '    1,', '    2', '  ]', 'b = [3,4]']);
  });
  it('summarises binary with a hex preview', () => {
    const view = viewBody(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]), 'image/png');
    expect(view.kind).toBe('binary');
    expect(view.summary).toBe('5 bytes, image/png, binary');
    expect(view.lines[0]).toContain('89 50 4e 47 ff');
  });
  it('decodes gzip for display', () => {
    const view = viewBody(gzipSync('{"z":1}'), 'application/json', true);
    expect(view.kind).toBe('json');
    expect(view.summary).toMatch(/gzip → 7 bytes/);
  });
  it('shows a body past the view bound (the gzip bound) in part, so a huge answer from the local app cannot crash show', () => {
    const body = Buffer.alloc(MAX_DECODED_BYTES + 10, 'ab\n');
    const view = viewBody(body, 'text/plain');
    expect(view.kind).toBe('text');
    expect(view.summary).toBe(`${body.length.toLocaleString('en-US')} bytes (first ${MAX_DECODED_BYTES.toLocaleString('en-US')} shown), text/plain`);
    expect(view.lines.join('\n').length).toBe(MAX_DECODED_BYTES);
  });
  it('shows a gzip bomb raw instead of inflating it past the bound', () => {
    // 65 MiB of zeros is about 64 KiB of gzip: one byte over MAX_DECODED_BYTES inflated would be too many.
    const bomb = gzipSync(Buffer.alloc(MAX_DECODED_BYTES + 1));
    const view = viewBody(bomb, 'application/json', true);
    expect(view.kind).toBe('binary');
    expect(view.summary).toBe(`${bomb.length.toLocaleString('en-US')} bytes, application/json, binary (labelled gzip, but inflates past 64 MiB: shown as stored)`);
  });
  it('says so when a body labelled gzip is not gzip (not that it is too large), and shows it as it is', () => {
    const view = viewBody(Buffer.from('{"plain":true}'), 'application/json', true);
    expect(view.kind).toBe('json');
    expect(view.summary).toBe('14 bytes, application/json (labelled gzip, but is not gzip, or is cut short or damaged: shown as stored)');
    expect(viewBody(gzipSync('{"z":1}').subarray(0, 12), 'application/json', true).summary).toContain('labelled gzip, but is not gzip, or is cut short');
    // A gzip header followed by garbage.
    const damaged = Buffer.concat([gzipSync('x').subarray(0, 10), Buffer.from('garbage garbage')]);
    expect(viewBody(damaged, 'application/json', true).summary).toContain('(labelled gzip, but is not gzip, or is cut short or damaged: shown as stored)');
  });
  it('reads Content-Encoding the same way everywhere: every header, comma lists, identity ignored, gzip alone unpacked', () => {
    expect(contentCodings([['Content-Encoding', 'gzip, br'], ['content-encoding', 'Identity']])).toEqual(['gzip', 'br']);
    expect(isGzip([['content-encoding', ' X-GZIP ']])).toBe(true);
    expect(isGzip([['Content-Encoding', 'identity'], ['Content-Encoding', 'gzip']])).toBe(true);
    expect(isGzip([['Content-Encoding', 'gzip, br']])).toBe(false);
    expect(isGzip([['Content-Type', 'application/gzip']])).toBe(false);
  });
  it('sanitises text bodies', () => {
    expect(viewBody(Buffer.from('hi \x1b[2J'), 'text/plain').lines).toEqual(['hi \\e[2J']);
  });
});

describe('jsonText', () => {
  it('escapes DEL, C1, line separators and bidi controls that JSON.stringify leaves raw, and stays valid JSON', async () => {
    const { jsonText } = await import('../../src/output/json-text.js');
    const value = { body: 'csi \u009b31m del \u007f ls \u2028 bidi \u202e ok é' };
    const text = jsonText(value);
    expect(text).not.toMatch(/[\u007f-\u009f\u2028\u202e]/);
    expect(text).toContain('\\u009b31m');
    expect(JSON.parse(text)).toEqual(value);
  });
  it('escapes every invisible or reordering character sanitize() escapes, so --json shows what a path really holds', async () => {
    const { jsonText } = await import('../../src/output/json-text.js');
    const value = { path: '/pay\u200bment \u200f\u061c rlm \u2060wj \ufeffbom \ufff9note' };
    const text = jsonText(value);
    expect(text).toBe('{"path":"/pay\\u200bment \\u200f\\u061c rlm \\u2060wj \\ufeffbom \\ufff9note"}');
    expect(JSON.parse(text)).toEqual(value);
  });
});

const tableRow: ExchangeSummary = {
  id: 7, replayOf: null, deliveryId: 'd', url: null, target: 'http://localhost:3000', receivedAt: Date.now(), method: 'POST',
  path: '/hook', requestSize: 2, status: 200, responseSize: 2, durationMs: 3, state: 'complete', errorCode: null, errorMessage: null,
};

describe('the ls table', () => {
  const row = (overrides: Partial<ExchangeSummary>): ExchangeSummary => ({ ...tableRow, ...overrides });

  it('marks a delivery that reached the app after a later one, and a long path never hides the mark', () => {
    const [, marked, long, plain] = exchangeTable([row({ deliveredAfter: 14 }), row({ path: `/${'x'.repeat(200)}`, deliveredAfter: 15 }), row({})], 100)
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n');
    expect(marked).toMatch(/\/hook {2}after #14$/);
    expect(long).toMatch(/\/x+… {2}after #15$/);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(plain).not.toContain('after #');
  });

  it('marks a redelivery, a replay and a late delivery, as the TUI and the web inspector do', () => {
    const webhook = { provider: 'github', eventType: 'push', eventId: 'd-1', verification: 'valid', reason: null, outOfOrder: false } as const;
    const [, redelivered, replayed, late, plain] = exchangeTable(
      [row({ webhook: { ...webhook, duplicateOf: 3 } }), row({ replayOf: 4 }), row({ lateByMs: 1500 }), row({ webhook: { ...webhook, duplicateOf: null } })],
      120,
    )
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n');
    expect(redelivered).toMatch(/\/hook {2}github push {2}dup #3$/);
    expect(replayed).toMatch(/\/hook {2}↻#4$/);
    expect(late).toMatch(/\/hook {2}late 1\.5s$/);
    expect(plain).toMatch(/\/hook {2}github push$/);
  });

  it('says beside the dup mark why the provider sent it again, in `ls` and the log line, where its headers said', () => {
    const webhook = { provider: 'slack', eventType: 'app_mention', eventId: 'Ev1', verification: 'valid', reason: null, outOfOrder: false } as const;
    const retried = row({ webhook: { ...webhook, duplicateOf: 3, retry: 'retry 1: http_timeout' } });
    const [, listed, first] = exchangeTable([retried, row({ webhook: { ...webhook, duplicateOf: null } })], 120)
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n');
    expect(listed).toMatch(/\/hook {2}slack app_mention {2}dup #3 {2}retry 1: http_timeout$/);
    expect(first).not.toContain('retry');
    expect(logLine(retried).replace(/\x1b\[[0-9;]*m/g, '')).toContain('duplicate of #3  retry 1: http_timeout');
  });

  it("marks an exchange whose sender hung up before the app's answer, whose status is the app's", () => {
    const [, gone] = exchangeTable([row({ status: 200, state: 'failed', errorCode: 'sender_gone', senderGoneAfterMs: 10_002 })], 120)
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n');
    expect(gone).toMatch(/^7 .* 200 .*\/hook {2}sender gone 10\.0s$/);
  });
});

describe('sizes', () => {
  const SIZES: [number, string][] = [
    [0, '0 B'], [1023, '1023 B'], [1024, '1.0 KiB'], [1536, '1.5 KiB'], [1_048_575, '1.0 MiB'], [12_000_416, '11.4 MiB'], [5 * 1024 ** 3, '5.0 GiB'],
  ];

  it.each(SIZES)('%i bytes is %s in the CLI and in the web inspector alike: 1024-based, named KiB/MiB/GiB', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
    expect(webFormatSize(bytes)).toBe(text);
  });

  it('ls shows a request size in those units', () => {
    const [, line] = exchangeTable([{ ...tableRow, requestSize: 12_000_416 }], 120).replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    expect(line).toContain('11.4 MiB');
  });
});

describe('when an exchange arrived, as `ls` shows it', () => {
  it.each(LIST_TIMES)('%s as %j: the date where it is not today, the year where it is not this one', (at, text) => {
    expect(formatListTime(at.getTime(), LIST_NOW)).toBe(text);
  });

  it('dates the rows from other days in the ls table, and keeps the columns aligned', () => {
    const today = new Date();
    const threeDaysAgo = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 3, 14, 3, 11);
    const lines = exchangeTable(
      [
        { ...tableRow, id: 8, receivedAt: today.getTime() },
        { ...tableRow, id: 7, receivedAt: threeDaysAgo.getTime() },
      ],
      120,
    )
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n');
    const date = formatListTime(threeDaysAgo.getTime());
    expect(date).toMatch(/^[A-Z][a-z]{2} \d\d (\d{4} )?14:03:11$/);
    expect(lines[2]).toContain(`7       ${date}  POST`);
    expect(lines[1]).toMatch(/^8 {7}\d\d:\d\d:\d\d {2,}POST/);
    // METHOD starts in the same column on every line, header included.
    expect(new Set(lines.map((line) => line.search(/METHOD|POST/))).size).toBe(1);
  });
});

it('a crash report escapes what its message quotes and keeps the stack on its lines', () => {
  const report = crashReport(new TypeError('bad header \x1b]0;pwned\x07'));
  expect(report).toMatch(/^TypeError: bad header \\e\]0;pwned\\x07\n {4}at /);
  expect(report).not.toContain('\x1b');
});
