import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_MATCHES_SQL } from '../../src/store/event-matches.js';
import { Store, type WebhookAnalysis } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';

const home = tempHome();
afterAll(() => home.cleanup());

/** Records one finished exchange and the analysis listen would store for it; returns its id. */
function recordEvent(store: Store, provider: string | null, eventId: string | null, replayOf: number | null = null): number {
  const recording = store.begin(exchangeStart({ replayOf, body: Buffer.from('{}') }));
  recording.respond(200, []);
  recording.complete(1);
  const analysis: WebhookAnalysis = { provider, eventType: provider && 'x.y', eventId, eventAt: null, orderScope: null, verification: provider ? 'valid' : 'unchecked', reason: null };
  store.recordAnalysis(recording.id, analysis, { url: exchangeStart().url, isReplay: replayOf !== null });
  return recording.id;
}

describe('Store.eventMatches', () => {
  it('finds every exchange of an event id under any provider, oldest first, replays included, and nothing else', () => {
    const store = Store.open(`${home.dir}/matches.db`);
    const first = recordEvent(store, 'stripe', 'evt_1');
    recordEvent(store, 'stripe', 'evt_2');
    const again = recordEvent(store, 'stripe', 'evt_1');
    const replay = recordEvent(store, 'stripe', 'evt_1', first);
    // The same words from another provider (ids are only unique within one): found too, for the caller to tell apart.
    const github = recordEvent(store, 'github', 'evt_1');
    recordEvent(store, 'twilio', 'SM1');
    recordEvent(store, null, null);
    expect(store.eventMatches('evt_1')).toEqual([
      { id: first, provider: 'stripe', replayOf: null, throughRelay: true },
      { id: again, provider: 'stripe', replayOf: null, throughRelay: true },
      { id: replay, provider: 'stripe', replayOf: first, throughRelay: true },
      { id: github, provider: 'github', replayOf: null, throughRelay: true },
    ]);
    expect(store.eventMatches('SM1')).toHaveLength(1);
    // Exact: no prefix, no other case.
    expect(store.eventMatches('evt_')).toEqual([]);
    expect(store.eventMatches('EVT_1')).toEqual([]);
    store.close();
  });

  it('is empty on an empty store', () => {
    const store = Store.open(`${home.dir}/empty.db`);
    expect(store.eventMatches('evt_1')).toEqual([]);
    store.close();
  });

  // The index is (provider, event_id): `WHERE event_id = ?` alone would read every row of a 300,000-exchange store.
  it('reads along the exchanges_event index: no scan of the exchanges table', () => {
    const store = Store.open(`${home.dir}/plan.db`);
    const db = (store as unknown as { db: { prepare(sql: string): { all(...params: unknown[]): { detail: string }[] } } }).db;
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${EVENT_MATCHES_SQL}`).all('evt_1').map((step) => step.detail);
    expect(plan.join('\n')).toContain('USING INDEX exchanges_event (provider=? AND event_id=?)');
    // `SCAN providers` is the handful of provider names the query walks, not a table.
    expect(plan.filter((detail) => /^SCAN (exchanges|e)\b/.test(detail) || detail.includes('TEMP B-TREE'))).toEqual([]);
    store.close();
  });
});
