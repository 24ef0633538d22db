// The inspector shows which hooktunnel.yml route took an exchange, and that it was stored redacted.

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { formatTime, TIME_OF_DAY_WIDTH } from '../../src/output/format.js';
import { ExchangeRow } from '../../src/tui/ExchangeRow.js';
import { detailLines } from '../../src/tui/detail-lines.js';
import type { ExchangeSummary } from '../../src/exchange.js';
import { makeExchange, makeWebhook } from './fake-model.js';

const rowOf = (e: ExchangeSummary, width = 100) => {
  const ui = render(<ExchangeRow exchange={e} selected={false} width={width} time={formatTime(e.receivedAt)} timeWidth={TIME_OF_DAY_WIDTH} />);
  const frame = ui.lastFrame() ?? '';
  ui.unmount();
  return frame;
};
const text = (e: Parameters<typeof detailLines>[0]) => detailLines(e, 'request').map((l) => l.map((s) => s.text).join(''));

describe('routes and redaction in the inspector', () => {
  it('puts the route after the path, or after the event label, when there is room', () => {
    expect(rowOf(makeExchange(1, { path: '/stripe/hook', route: '/stripe' }))).toMatch(/\/stripe\/hook {2}→ \/stripe +200/);
    expect(rowOf(makeExchange(2, { path: '/gh', route: '/gh', webhook: makeWebhook() }))).toMatch(/succeeded {2}\/gh {2}→ \/… 200/);
    expect(rowOf(makeExchange(3, { path: '/plain' }))).not.toContain('→');
    expect(rowOf(makeExchange(4, { path: '/a\x1b[2J', route: '/a\x1b[2J' }))).not.toContain('\x1b[2J');
  });

  it('names the route beside the target and lists the redaction rules in the detail pane', () => {
    const lines = text(makeExchange(5, { route: '/stripe', target: 'http://localhost:3000', redacted: ['header:authorization'] }));
    expect(lines[0]).toContain('→ http://localhost:3000  (route /stripe)');
    expect(lines).toContain('stored redacted: header:authorization');
    expect(text(makeExchange(6)).join('\n')).not.toContain('route');
  });
});
