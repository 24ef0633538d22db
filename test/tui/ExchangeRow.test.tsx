// One list row: columns, status styles, replay link, selection marker, webhook facts; and the memo that keeps rows from re-rendering.

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { formatTime, TIME_OF_DAY_WIDTH } from '../../src/output/format.js';
import { ExchangeRow, columnTitles } from '../../src/tui/ExchangeRow.js';
import type { Exchange, ExchangeSummary, WebhookInfo } from '../../src/exchange.js';
import { makeExchange, makeWebhook } from './fake-model.js';

const rowOf = (e: ExchangeSummary, selected = false, width = 100) => {
  const ui = render(<ExchangeRow exchange={e} selected={selected} width={width} time={formatTime(e.receivedAt)} timeWidth={TIME_OF_DAY_WIDTH} />);
  const frame = ui.lastFrame() ?? '';
  ui.unmount();
  return frame;
};

describe('ExchangeRow', () => {
  it('lines up with the column titles', () => {
    const row = rowOf(makeExchange(42, { path: '/stripe', durationMs: 1234, requestBody: Buffer.alloc(2048) }));
    const titles = columnTitles(100);
    expect(row).toMatch(/^ {2}\d\d:\d\d:\d\d POST {4}\/stripe +200 +1\.2s +2\.0 KiB {2}#42$/);
    for (const title of ['STATUS', 'ID']) expect(row.indexOf(title === 'ID' ? '#42' : '200')).toBe(titles.indexOf(title));
    expect(row.indexOf('1.2s') + 4).toBe(titles.indexOf('DURATION') + 8);
  });

  it('marks the selection, replays and every kind of outcome', () => {
    expect(rowOf(makeExchange(2, { replayOf: 1 }), true)).toMatch(/^› .*#2 ↻#1$/);
    expect(rowOf(makeExchange(3, { status: null, state: 'pending', durationMs: null }))).toMatch(/ … +- +\d+ B/);
    expect(rowOf(makeExchange(4, { status: 504, state: 'failed', errorCode: 'local_timeout' }))).toContain(' 504! ');
    expect(rowOf(makeExchange(5, { status: null, state: 'interrupted' }))).toContain(' int ');
  });

  it('lines up with the column titles on a terminal 40 columns wide', () => {
    const row = rowOf(makeExchange(42, { path: '/stripe/webhooks' }), false, 40);
    const titles = columnTitles(40);
    expect(row.indexOf(' 200 ') + 1).toBe(titles.indexOf('STATUS'));
    expect(titles).toContain(' PATH ');
  });

  it('drops duration and size on narrow terminals and truncates the path', () => {
    const row = rowOf(makeExchange(6, { path: `/${'x'.repeat(80)}` }), false, 60);
    expect(row.length).toBeLessThanOrEqual(60);
    expect(row).toMatch(/\/x+… 200 +#6$/);
    expect(row).not.toContain('12ms');
  });

  it('is memoised: same props, no re-render', () => {
    // React.memo's type holds the inner component; the default shallow compare is used (compare === null).
    const memo = ExchangeRow as unknown as { $$typeof: symbol; compare: unknown };
    expect(memo.$$typeof).toBe(Symbol.for('react.memo'));
    expect(memo.compare).toBeNull();
  });
});

describe('ExchangeRow webhook facts', () => {
  const stripe = (id: number, webhook: Partial<WebhookInfo> = {}, overrides: Partial<Exchange> = {}) =>
    makeExchange(id, { path: '/webhooks/stripe', webhook: makeWebhook(webhook), ...overrides });

  it('shows provider and event type in place of the path, then the path when there is room', () => {
    expect(rowOf(stripe(1, {}, { path: '/wh' }))).toMatch(/POST {4}stripe payment_intent\.succeeded {2}\/wh +200 ✓ /);
    expect(rowOf(stripe(2))).toMatch(/POST {4}stripe payment_intent\.succeeded {2}\/webhook… 200 ✓ /);
    expect(columnTitles(100)).toContain('PATH / EVENT');
  });

  it('marks the signature next to the status: ✓ valid, ✗ invalid, blank when not checked or unknown', () => {
    expect(rowOf(stripe(1))).toMatch(/ 200 ✓ +12ms/);
    expect(rowOf(stripe(2, { verification: 'invalid', reason: 'signature mismatch' }))).toMatch(/ 200 ✗ +12ms/);
    const unchecked = rowOf(stripe(3, { verification: 'unchecked', reason: 'no secret configured for stripe' }));
    expect(unchecked).toMatch(/ 200 +12ms/);
    expect(unchecked).not.toMatch(/[✓✗]/);
    expect(rowOf(makeExchange(4))).not.toMatch(/[✓✗]/);
  });

  it('marks duplicates and out-of-order deliveries, keeping the marks when the label must shorten', () => {
    expect(rowOf(stripe(12, { duplicateOf: 3 }))).toMatch(/stripe payment_intent\.succeeded +dup #3 200 ✓/);
    const both = rowOf(stripe(13, { duplicateOf: 3, outOfOrder: true }), false, 100);
    expect(both).toMatch(/stripe payment_intent… dup #3 out of order 200 ✓ /);
    expect(rowOf(stripe(14, { outOfOrder: true }))).toContain(' out of order 200');
  });

  it('says beside dup #n why the provider sent it again, where its headers said, escaped', () => {
    const retried = makeWebhook({ provider: 'slack', eventType: 'app_mention', duplicateOf: 3, retry: 'retry 1: http_timeout' });
    expect(rowOf(makeExchange(15, { webhook: retried }), false, 120)).toMatch(/slack app_mention .* dup #3 retry 1: http_timeout 200 ✓/);
    const hostile = makeWebhook({ provider: 'slack', eventType: 'app_mention', duplicateOf: 3, retry: 'retry 1: \x1b[2Jboom' });
    expect(rowOf(makeExchange(16, { webhook: hostile }), false, 120)).toContain('retry 1: \\e[2Jboom');
  });

  it('marks a delivery that waited in the relay queue as late, with or without webhook facts', () => {
    expect(rowOf(makeExchange(20, { path: '/queued', lateByMs: 5200 }))).toMatch(/POST {4}\/queued +late 5\.2s 200 /);
    expect(rowOf(stripe(21, { duplicateOf: 3 }, { lateByMs: 90_000 }))).toMatch(/stripe payment_intent\.… dup #3 late 1m 30s 200 ✓/);
  });

  it('marks a delivery that reached the app after a later-received one, next to its other marks', () => {
    expect(rowOf(makeExchange(22, { path: '/first', deliveredAfter: 23 }))).toMatch(/POST {4}\/first +after #23 200 /);
    expect(rowOf(makeExchange(24, { path: '/q', lateByMs: 5200, deliveredAfter: 25 }))).toMatch(/\/q +late 5\.2s after #25 200 /);
    expect(rowOf(makeExchange(26, { path: '/in-order' }))).not.toContain('after #');
  });

  it('marks a failure that an automatic attempt will retry, and no longer once it is through', () => {
    const failed = { status: 502, state: 'failed' as const, errorCode: 'local_unreachable', attempts: 1, maxAttempts: 8 };
    expect(rowOf(makeExchange(27, { path: '/ack', ...failed, nextAttemptAt: Date.now() + 30_000 }))).toMatch(/POST {4}\/ack +retry pending 502! /);
    expect(rowOf(makeExchange(28, { path: '/ack', ...failed, attempts: 8 }))).not.toContain('retry pending');
  });

  it('stays readable at 80 columns: label, marks, status, mark, duration, size and id all fit', () => {
    const row = rowOf(stripe(1234, { duplicateOf: 1200 }), false, 80);
    expect(row.length).toBeLessThanOrEqual(80);
    expect(row).toMatch(/^ {2}\d\d:\d\d:\d\d POST {4}stripe paym… dup #1200 200 ✓ +12ms +\d+ B {2}#1234$/);
    expect(rowOf(stripe(5), false, 80)).toMatch(/POST {4}stripe payment_intent… 200 ✓ /);
    // A delivery with no known provider keeps its path.
    expect(rowOf(stripe(6, { provider: null, eventType: null, verification: 'unchecked' }), false, 80)).toMatch(/POST {4}\/webhooks\/stripe +200 {3}/);
  });

  it('lines the status and the mark up under STATUS', () => {
    const row = rowOf(stripe(7, { verification: 'invalid' }));
    expect(row.indexOf(' 200 ✗ ') + 1).toBe(columnTitles(100).indexOf('STATUS'));
  });
});
