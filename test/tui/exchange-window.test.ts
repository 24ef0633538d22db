// The bounded window: live updates in place, inserts at the head, trimming away from the selection, paging both ways.

import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/exchange.js';
import { appendOlder, applyLive, headWindow, loadNewer, PAGE_SIZE, WINDOW_SIZE, type ExchangeWindow } from '../../src/tui/exchange-window.js';
import { FakeModel, makeExchange } from './fake-model.js';

const ids = (w: ExchangeWindow) => w.rows.map((r) => r.id);
const summary = (id: number, overrides: Partial<ExchangeSummary> = {}): ExchangeSummary => ({ ...makeExchange(id), ...overrides });
const storeOf = (count: number) => new FakeModel().seed(Array.from({ length: count }, (_, i) => makeExchange(i + 1)));

describe('exchange window', () => {
  it('starts with the newest page and knows whether there is more', () => {
    const w = headWindow((o) => storeOf(150).list(o));
    expect(w.rows).toHaveLength(PAGE_SIZE);
    expect(w.rows[0].id).toBe(150);
    expect(w).toMatchObject({ atHead: true, hasOlder: true });
    expect(headWindow((o) => storeOf(3).list(o))).toMatchObject({ atHead: true, hasOlder: false });
  });

  it('replaces known rows in place and keeps the identity of the others', () => {
    const w: ExchangeWindow = { rows: [summary(3), summary(2, { state: 'pending', status: null }), summary(1)], atHead: true, hasOlder: false };
    const done = summary(2, { status: 200 });
    const next = applyLive(w, [done]);
    expect(ids(next)).toEqual([3, 2, 1]);
    expect(next.rows[1]).toBe(done);
    expect(next.rows[0]).toBe(w.rows[0]);
    expect(next.rows[2]).toBe(w.rows[2]);
  });

  it('inserts new exchanges at the head in id order, but not below a window that has older rows', () => {
    const w: ExchangeWindow = { rows: [summary(10), summary(9)], atHead: true, hasOlder: true };
    expect(ids(applyLive(w, [summary(12), summary(11), summary(3)]))).toEqual([12, 11, 10, 9]);
    expect(ids(applyLive({ ...w, atHead: false }, [summary(12)]))).toEqual([10, 9]);
  });

  it('never holds more than the bound: 100,000 live exchanges keep 500 rows', () => {
    let w: ExchangeWindow = { rows: [], atHead: true, hasOlder: false };
    for (let start = 1; start <= 100_000; start += 250) {
      w = applyLive(w, Array.from({ length: 250 }, (_, i) => summary(start + i)));
      expect(w.rows.length).toBeLessThanOrEqual(WINDOW_SIZE);
    }
    expect(w.rows[0].id).toBe(100_000);
    expect(w.rows.at(-1)?.id).toBe(100_000 - WINDOW_SIZE + 1);
    expect(w.hasOlder).toBe(true);
  });

  it('trims the newest rows instead when the selection is deep in the window, and leaves the head', () => {
    const rows = Array.from({ length: WINDOW_SIZE }, (_, i) => summary(WINDOW_SIZE - i));
    const w = applyLive({ rows, atHead: true, hasOlder: false }, [summary(WINDOW_SIZE + 1)], 2);
    expect(w.rows).toHaveLength(WINDOW_SIZE);
    expect(w.rows[0].id).toBe(WINDOW_SIZE);
    expect(w.rows.at(-1)?.id).toBe(1);
    expect(w.atHead).toBe(false);
  });

  it('pages older rows in below, and newer ones back above after leaving the head', () => {
    const store = storeOf(250);
    const list = (o: { limit: number; beforeId?: number }) => store.list(o);
    let w = headWindow(list);
    w = appendOlder(w, list({ limit: PAGE_SIZE, beforeId: w.rows.at(-1)!.id }));
    expect(w.rows).toHaveLength(200);
    expect(w.hasOlder).toBe(true);
    w = appendOlder(w, list({ limit: PAGE_SIZE, beforeId: w.rows.at(-1)!.id }));
    expect(w.rows.at(-1)?.id).toBe(1);
    expect(w.hasOlder).toBe(false);
    // Away from the head: the 50 newest are gone; loadNewer brings them back and reaches the head.
    const away: ExchangeWindow = { rows: w.rows.filter((r) => r.id <= 200), atHead: false, hasOlder: false };
    const back = loadNewer(away, list);
    expect(back.rows[0].id).toBe(250);
    expect(back.atHead).toBe(true);
  });

  it('finds newer rows across a gap in the ids', () => {
    const store = new FakeModel().seed([1, 2, 3, 500, 501].map((id) => makeExchange(id)));
    const w: ExchangeWindow = { rows: [summary(3), summary(2), summary(1)], atHead: false, hasOlder: false };
    const next = loadNewer(w, (o) => store.list(o));
    expect(ids(next)).toEqual([501, 500, 3, 2, 1]);
    expect(next.atHead).toBe(true);
  });
});
