import { afterAll, describe, expect, it } from 'vitest';
import { Store, type ListOptions } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';

const home = tempHome();
afterAll(() => home.cleanup());

interface Db {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
}

/** The query plan of the statement Store.list runs for these options (captured as it is prepared). */
function listPlan(store: Store, options: ListOptions): string[] {
  const db = (store as unknown as { db: Db }).db;
  const prepare = db.prepare.bind(db);
  let sql = '';
  let params: unknown[] = [];
  db.prepare = (text: string) => {
    const statement = prepare(text);
    if (!text.includes('ORDER BY id')) return statement;
    sql = text;
    return { all: (...values: unknown[]) => ((params = values), statement.all(...values)) };
  };
  try {
    store.list(options);
  } finally {
    db.prepare = prepare;
  }
  return (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((step) => step.detail);
}

describe('list with a provider, event, path or failed filter', () => {
  // On a 300,000-exchange store the provider plan sorted every match to return 20 (619 MB read), and the event plan
  // followed every row's overflow chain to event_type, stored after the body (2.5 GB): seconds on a cold cache.
  it.each<[string, ListOptions, string]>([
    ['--provider', { limit: 20, provider: 'stripe' }, 'exchanges_provider'],
    ['--event', { limit: 20, eventType: 'invoice.paid' }, 'exchanges_event_type'],
    ['--provider --event', { limit: 20, provider: 'stripe', eventType: 'invoice.paid' }, 'exchanges_event_type'],
    // A path never used read all 300,000 rows (0.6 s warm); --failed read the failure columns behind every body.
    ['--path', { limit: 20, pathPrefix: '/stripe' }, 'exchanges_path'],
    ['--path ending in /', { limit: 20, pathPrefix: '/stripe/' }, 'exchanges_path'],
    ['--failed', { limit: 20, failed: true }, 'exchanges_failed'],
    ['--failed, oldest first', { limit: 20, failed: true, oldestFirst: true }, 'exchanges_failed'],
    ['--path --failed', { limit: 20, pathPrefix: '/stripe', failed: true }, 'exchanges_path'],
  ])('%s reads the newest matches along an index in id order: no scan, no sort', (_flags, options, index) => {
    const store = Store.open(`${home.dir}/plan.db`);
    const plan = listPlan(store, options);
    // The event filter reads its ids from the index alone (COVERING), `pull_request.*` included, then the rows by id.
    expect(plan.join('\n')).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}`));
    // A scan of exchanges_failed is fine: only the failed exchanges are in it.
    const scans = plan.filter((detail) => detail.startsWith('SCAN') && detail !== 'SCAN exchanges USING COVERING INDEX exchanges_failed');
    expect([...scans, ...plan.filter((detail) => detail.includes('TEMP B-TREE'))]).toEqual([]);
    store.close();
  });
});
