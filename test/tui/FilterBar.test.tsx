// The status line: filter text with a cursor while typing, the follow state, the position and the last message.

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { FilterBar } from '../../src/tui/FilterBar.js';

const frameOf = (props: Parameters<typeof FilterBar>[0]) => {
  const ui = render(<FilterBar {...props} />);
  const frame = ui.lastFrame() ?? '';
  ui.unmount();
  return frame;
};

describe('FilterBar', () => {
  it('shows the follow state, position and message without a filter', () => {
    expect(frameOf({ filter: '', editing: false, message: '#3 replayed as #9: 200', following: true, position: '1/40' })).toBe(
      '▶ following  1/40  #3 replayed as #9: 200',
    );
  });

  it('shows the filter being typed with a cursor, and an applied one without', () => {
    expect(frameOf({ filter: 'stripe', editing: true, message: '', following: false, position: '2/3' })).toBe('/stripe▌  ❚❚ paused  2/3');
    expect(frameOf({ filter: 'stripe', editing: false, message: '', following: false, position: '2/3' })).toBe('/stripe  ❚❚ paused  2/3');
  });

  it('says the bodies are still being searched', () => {
    expect(frameOf({ filter: 'refund', editing: true, searching: true, message: '', following: false, position: '0 rows' })).toBe(
      '/refund▌  searching…  ❚❚ paused  0 rows',
    );
  });

  it('suggests text and the structured terms while the filter is still empty', () => {
    expect(frameOf({ filter: '', editing: true, message: '', following: true, position: '1/3' })).toBe(
      '/▌  text or provider:stripe event:invoice status:5xx sig:invalid failed  ▶ following  1/3',
    );
  });
});
