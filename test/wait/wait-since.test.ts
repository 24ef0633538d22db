import { afterAll, describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/actions/wait.js';
import { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';

const home = tempHome();
afterAll(() => home.cleanup());

const HOUR = 3_600_000;

describe('wait --since <duration>', () => {
  // From #1, `wait --since 1h` read every row of a store weeks old (3.4 GB of 300,000 exchanges) before the last hour.
  it('starts at the first exchange received in the window, not at the first exchange ever', () => {
    const store = Store.open(`${home.dir}/since.db`);
    const now = Date.now();
    const record = (receivedAt: number) => {
      const recording = store.begin(exchangeStart({ receivedAt, body: Buffer.from('x') }));
      recording.complete(1);
      return recording.id;
    };
    for (let hoursAgo = 48; hoursAgo > 1; hoursAgo--) record(now - hoursAgo * HOUR);
    const firstInWindow = record(now - HOUR / 2);
    // Delivered late from a relay's backlog: a higher id, received before the window. receivedSince leaves it out.
    record(now - 5 * HOUR);
    expect(parseSince('1h', store, now)).toEqual({ afterId: firstInWindow - 1, receivedSince: now - HOUR });
    // Nothing received in the window yet: only what comes next.
    expect(parseSince('1m', store, now)).toEqual({ afterId: store.lastId(), receivedSince: now - 60_000 });
    // Along the received_at index from the window's start: never a walk of the table from #1.
    const statement = (store as unknown as { statements: { firstReceivedSince: { source: string } } }).statements.firstReceivedSince;
    const db = (store as unknown as { db: { prepare(sql: string): { all(...p: unknown[]): { detail: string }[] } } }).db;
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${statement.source}`).all(now).map((step) => step.detail);
    expect(plan).toEqual(['SEARCH exchanges USING COVERING INDEX exchanges_received (received_at>?)']);
    store.close();
  });
});
