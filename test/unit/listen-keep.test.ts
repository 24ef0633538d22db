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

/** A store of `exchanges` finished exchanges whose prune runs are collected in `runs`, in the order they start. */
function storeWithCountedPrunes(file: string, exchanges: number, options: { lockWaitMs?: number } = {}) {
  const store = Store.open(file, options);
  for (let i = 0; i < exchanges; i++) store.begin(exchangeStart({ body: Buffer.from('x') })).complete(1);
  store.writes.commitBatch();
  const runs: Promise<number>[] = [];
  const prune = store.prune.bind(store);
  store.prune = (pruneOptions, pause) => {
    const run = prune(pruneOptions, pause);
    runs.push(run);
    return run;
  };
  return { store, runs };
}

describe('listen --keep', () => {
  it('prunes a batch at a time, giving the event loop back between batches, and runs one prune at a time', async () => {
    const total = 2 * PRUNE_BATCH + 20;
    const { store, runs } = storeWithCountedPrunes(`${home.dir}/keep.db`, total);
    const count = () => store.list({ limit: total }).length;
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
    const { store, runs } = storeWithCountedPrunes(file, 30, { lockWaitMs: 0 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const session = new EventEmitter() as unknown as Session;
    const errors: Error[] = [];
    session.on('storeError', (error) => errors.push(error));

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
