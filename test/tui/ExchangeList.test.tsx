// The list: titles, only the visible slice of rows, the selected one marked, and the empty state.

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
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

  it('shows the empty text when there are no rows', () => {
    const ui = render(<ExchangeList rows={[]} selectedId={undefined} height={3} width={80} emptyText="waiting for webhooks…" />);
    expect(ui.lastFrame()).toContain('  waiting for webhooks…');
    ui.unmount();
  });
});
