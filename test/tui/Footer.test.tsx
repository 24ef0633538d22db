// The footer fits the width, always offers quit, and switches to filter hints while typing.

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Footer, footerText } from '../../src/tui/Footer.js';
import { KEY_BINDINGS } from '../../src/tui/keymap.js';

describe('Footer', () => {
  it('shows the key hints in order of importance, quit last', () => {
    // ink-testing-library's terminal is 100 columns wide.
    const ui = render(<Footer width={100} editing={false} following />);
    expect(ui.lastFrame()).toBe('↑↓/jk move  Enter detail  Tab req/res  r replay  e edit  / filter  c curl  o open  p pause  q quit');
    ui.unmount();
  });

  it('offers p follow while paused', () => {
    expect(footerText(100, false, false)).toContain('p follow');
  });

  it('lists every binding that does something in the list when there is room', () => {
    const inList = KEY_BINDINGS.slice(1).filter((b) => b.keys !== 'Esc');
    expect(footerText(300, false)).toBe(`${inList.map((b) => `${b.keys} ${b.hint}`).join('  ')}  q quit`);
  });

  it('offers Esc in the list only while a filter is set, as what it does there: clear it', () => {
    expect(footerText(300, false)).not.toContain('Esc');
    expect(footerText(300, false, true, true, { focus: 'list', filtered: true })).toContain('Esc clear filter');
  });

  it('says what the keys do in the detail pane: ↑↓ scroll it, Enter and Esc go back to the list, g/G top and bottom', () => {
    const ui = render(<Footer width={100} editing={false} following focus="detail" />);
    expect(ui.lastFrame()).toBe('↑↓/jk scroll  Enter list  Tab req/res  r replay  e edit  / filter  c curl  o open  p pause  q quit');
    ui.unmount();
    const wide = footerText(300, false, true, true, { focus: 'detail', filtered: false });
    expect(wide).toContain('Esc back');
    expect(wide).toContain('g/G top/bottom');
    expect(wide).not.toContain('move');
  });

  it.each([40, 80, 120])('fits %i columns and keeps q quit', (width) => {
    const text = footerText(width, false);
    expect(text.length).toBeLessThanOrEqual(width);
    expect(text.endsWith('q quit')).toBe(true);
    expect(text).toContain('↑↓/jk move');
  });

  it('shows filter hints while editing the filter, and the terms when they fit', () => {
    const ui = render(<Footer width={80} editing following />);
    expect(ui.lastFrame()).toBe('type to filter · Enter keep · Esc clear · Ctrl-C quit');
    ui.unmount();
    expect(footerText(120, true)).toBe(
      'type to filter, or provider:stripe event:invoice status:5xx sig:invalid failed · Enter keep · Esc clear · Ctrl-C quit',
    );
  });

  it('leaves o open out without a public URL (inspect)', () => {
    expect(footerText(300, false)).toContain('o open');
    expect(footerText(300, false, true, false)).not.toContain('o open');
  });
});
