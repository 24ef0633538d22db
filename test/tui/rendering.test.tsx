// Rendering cost: bursts of exchanges coalesce into few frames, and a new exchange re-renders only the rows it changes.

import { render } from 'ink-testing-library';
import { memo, type FunctionComponent } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/tui/App.js';
import type { ExchangeRowProps } from '../../src/tui/ExchangeRow.js';
import { FRAME_MS } from '../../src/tui/use-throttled-exchanges.js';
import { FakeModel, makeExchange } from './fake-model.js';
import { waitFor, waitForFrame } from './wait-for.js';

const rowRenders = vi.hoisted(() => ({ ids: [] as number[] }));

// The real row, re-wrapped with the same memo comparison, counting how often its body runs.
vi.mock('../../src/tui/ExchangeRow.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/tui/ExchangeRow.js')>();
  const real = actual.ExchangeRow as unknown as { type: FunctionComponent<ExchangeRowProps>; compare: null };
  const Counted = (props: ExchangeRowProps) => {
    rowRenders.ids.push(props.exchange.id);
    return real.type(props);
  };
  return { ...actual, ExchangeRow: memo(Counted) };
});

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

describe('rendering', () => {
  it('coalesces a burst of 500 exchanges into a handful of frames', async () => {
    const model = new FakeModel();
    const ui = render(<App model={model} onCopy={() => {}} onOpen={() => {}} size={{ columns: 100, rows: 30 }} />);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, 'waiting for webhooks');
    const before = ui.frames.length;
    for (let id = 1; id <= 500; id++) model.push(makeExchange(id));
    await waitForFrame(ui.lastFrame, '#500');
    await waitForFrame(ui.lastFrame, '500 requests');
    expect(ui.frames.length - before).toBeLessThanOrEqual(3);
  });

  it('renders at most ~20 frames a second while exchanges stream in at 500 a second', async () => {
    const model = new FakeModel();
    const ui = render(<App model={model} onCopy={() => {}} onOpen={() => {}} size={{ columns: 100, rows: 30 }} />);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, 'waiting for webhooks');
    const before = ui.frames.length;
    const started = Date.now();
    let id = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 5 && id < 500; i++) model.push(makeExchange(++id));
      if (id >= 500) clearInterval(timer);
    }, 10);
    await waitForFrame(ui.lastFrame, '500 requests', 10_000);
    const elapsed = Date.now() - started;
    // One frame per FRAME_MS at most, plus the first and the last.
    expect(ui.frames.length - before).toBeLessThanOrEqual(Math.ceil(elapsed / FRAME_MS) + 2);
  });

  it('re-renders only the new row and the one that lost the selection', async () => {
    const model = new FakeModel().seed(Array.from({ length: 10 }, (_, i) => makeExchange(i + 1)));
    const ui = render(<App model={model} onCopy={() => {}} onOpen={() => {}} frameMs={5} size={{ columns: 100, rows: 40 }} />);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '#10');
    rowRenders.ids.length = 0;
    model.push(makeExchange(11));
    await waitForFrame(ui.lastFrame, '#11');
    await waitFor(() => rowRenders.ids.length >= 2);
    expect(rowRenders.ids.sort((a, b) => a - b)).toEqual([10, 11]);
  });

  it('re-renders no row when a new exchange arrives above a paused, full list', async () => {
    const model = new FakeModel().seed(Array.from({ length: 40 }, (_, i) => makeExchange(i + 1)));
    const ui = render(<App model={model} onCopy={() => {}} onOpen={() => {}} frameMs={5} size={{ columns: 100, rows: 40 }} />);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '#40');
    ui.stdin.write('j');
    await waitForFrame(ui.lastFrame, 'paused');
    rowRenders.ids.length = 0;
    model.push(makeExchange(41));
    // The selection (#39, second row) and the view stay put; #41 is above it, loaded but not drawn.
    await waitForFrame(ui.lastFrame, '3/41');
    expect(ui.lastFrame()).not.toContain('#41');
    expect(ui.lastFrame()).toMatch(/^› .*#39$/m);
    expect(rowRenders.ids).toEqual([]);
  });
});
