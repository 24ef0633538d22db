// The list: titles, only the visible slice of rows, the selected one marked, and the empty state.

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { formatListTime } from '../../src/output/format.js';
import { ExchangeList } from '../../src/tui/ExchangeList.js';
import { makeExchange } from './fake-model.js';

const rows = Array.from({ length: 20 }, (_, i) => makeExchange(20 - i, { path: `/r${20 - i}` }));

describe('ExchangeList', () => {
  it('renders the titles and the visible rows, marking the selection', () => {
    const ui = render(<ExchangeList rows={rows.slice(5, 9)} selectedId={13} height={4} width={100} emptyText="none" />);
    const lines = (ui.lastFrame() ?? '').split('\n');
    ui.unmount();
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^ {2}TIME {5}METHOD {2}PATH \/ EVENT +STATUS DURATION +SIZE {2}ID$/);
    expect(lines.slice(1).map((l) => /#(\d+)$/.exec(l)?.[1])).toEqual(['15', '14', '13', '12']);
    expect(lines[3]).toMatch(/^› /);
  });

  it('dates the rows not from today, as ls does, and widens the TIME column to keep the others in line', () => {
    const now = new Date();
    const threeDaysAgo = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 3, 14, 3, 11).getTime();
    const lastYear = new Date(now.getFullYear() - 1, 11, 5, 9, 0, 0).getTime();
    const shown = [makeExchange(3, { path: '/today' }), makeExchange(2, { path: '/days-ago', receivedAt: threeDaysAgo }), makeExchange(1, { path: '/last-year', receivedAt: lastYear })];
    const ui = render(<ExchangeList rows={shown} selectedId={3} height={3} width={100} emptyText="none" />);
    const [titles, today, daysAgo, older] = (ui.lastFrame() ?? '').split('\n');
    ui.unmount();
    expect(today).toMatch(/^› \d\d:\d\d:\d\d {13}POST /);
    expect(daysAgo).toContain(` ${formatListTime(threeDaysAgo)} `);
    expect(daysAgo).toMatch(/^ {2}[A-Z][a-z]{2} \d\d (\d{4} )?14:03:11 /);
    expect(older).toMatch(new RegExp(`^ {2}Dec 05 ${now.getFullYear() - 1} 09:00:00 POST `));
    // METHOD, STATUS and ID each start in one column on every line.
    for (const [title, cell] of [['METHOD', 'POST'], ['STATUS', '200'], ['ID', '#']]) {
      expect(new Set([titles.indexOf(title), ...[today, daysAgo, older].map((l) => l.indexOf(cell))]).size, title).toBe(1);
    }
  });

  it('shows the empty text when there are no rows', () => {
    const ui = render(<ExchangeList rows={[]} selectedId={undefined} height={3} width={80} emptyText="waiting for webhooks…" />);
    expect(ui.lastFrame()).toContain('  waiting for webhooks…');
    ui.unmount();
  });
});
