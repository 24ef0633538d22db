// One list row: columns, status styles, replay link, selection marker; and the memo that keeps rows from re-rendering.

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ExchangeRow, columnTitles } from '../../src/tui/ExchangeRow.js';
import type { ExchangeSummary } from '../../src/exchange.js';
import { makeExchange } from './fake-model.js';

const rowOf = (e: ExchangeSummary, selected = false, width = 100) => {
  const ui = render(<ExchangeRow exchange={e} selected={selected} width={width} />);
  const frame = ui.lastFrame() ?? '';
  ui.unmount();
  return frame;
};

describe('ExchangeRow', () => {
  it('lines up with the column titles', () => {
    const row = rowOf(makeExchange(42, { path: '/stripe', durationMs: 1234, requestBody: Buffer.alloc(2048) }));
    const titles = columnTitles(100);
    expect(row).toMatch(/^ {2}\d\d:\d\d:\d\d POST {4}\/stripe +200 +1\.2s +2\.0 KB {2}#42$/);
    for (const title of ['STATUS', 'ID']) expect(row.indexOf(title === 'ID' ? '#42' : '200')).toBe(titles.indexOf(title));
    expect(row.indexOf('1.2s') + 4).toBe(titles.indexOf('DURATION') + 8);
  });

  it('marks the selection, replays and every kind of outcome', () => {
    expect(rowOf(makeExchange(2, { replayOf: 1 }), true)).toMatch(/^› .*#2 ↻#1$/);
    expect(rowOf(makeExchange(3, { status: null, state: 'pending', durationMs: null }))).toMatch(/ … +- +\d+ B/);
    expect(rowOf(makeExchange(4, { status: 504, state: 'failed', errorCode: 'local_timeout' }))).toContain(' 504! ');
    expect(rowOf(makeExchange(5, { status: null, state: 'interrupted' }))).toContain(' int ');
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
