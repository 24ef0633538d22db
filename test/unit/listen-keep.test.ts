import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { keepRecent } from '../../src/cli/actions/listen-upkeep.js';
import type { ExchangeSummary } from '../../src/exchange.js';
import type { Session } from '../../src/session.js';
import { PRUNE_BATCH } from '../../src/store/prune.js';
import { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';

const home = tempHome();
afterAll(() => home.cleanup());

describe('listen --keep', () => {
  it('prunes a batch at a time, giving the event loop back between batches, and runs one prune at a time', async () => {
    const store = Store.open(`${home.dir}/keep.db`);
    const total = 2 * PRUNE_BATCH + 20;
    for (let i = 0; i < total; i++) store.begin(exchangeStart({ body: Buffer.from('x') })).complete(1);
    store.writes.commitBatch();
    const count = () => store.list({ limit: total }).length;
    const runs: Promise<number>[] = [];
    const prune = store.prune.bind(store);
    store.prune = (options, pause) => {
      const run = prune(options, pause);
      runs.push(run);
      return run;
    };
    const session = new EventEmitter() as unknown as Session;
    const finished = () => session.emit('exchange', { state: 'complete' } as ExchangeSummary);

    keepRecent(session, store, 10);
    // Back in the event loop after one batch: with a store weeks old, the rest would otherwise hold up forwarding.
    expect(count()).toBe(total - PRUNE_BATCH);
    // A hundred more finished exchanges while it still runs: no second prune over the same rows.
    for (let i = 0; i < 100; i++) finished();
    expect(runs).toHaveLength(1);
    expect(await runs[0]).toBe(total - 10);
    expect(count()).toBe(10);
    for (let i = 0; i < 100; i++) finished();
    expect(runs).toHaveLength(2);
    await runs[1];
    store.close();
  });

  it('another process holding the write lock is no store error: the next trigger prunes', async () => {
    const file = `${home.dir}/keep-locked.db`;
    const store = Store.open(file, { lockWaitMs: 0 });
    for (let i = 0; i < 30; i++) store.begin(exchangeStart({ body: Buffer.from('x') })).complete(1);
    store.writes.commitBatch();
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const session = new EventEmitter() as unknown as Session;
    const errors: Error[] = [];
    session.on('storeError', (error) => errors.push(error));
    const runs: Promise<number>[] = [];
    const prune = store.prune.bind(store);
    store.prune = (options, pause) => {
      const run = prune(options, pause);
      runs.push(run);
      return run;
    };

    keepRecent(session, store, 10);
    await runs[0].catch(() => {});
    await new Promise(setImmediate);
    expect(errors).toEqual([]);
    other.exec('COMMIT');
    other.close();
    for (let i = 0; i < 100; i++) session.emit('exchange', { state: 'complete' } as ExchangeSummary);
    expect(await runs[1]).toBe(20);
    expect(store.list({ limit: 100 })).toHaveLength(10);
    store.close();
  });
});
