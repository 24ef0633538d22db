// Store.listIds: the ids Store.list returns for the same options, for commands that read each exchange whole afterwards
// (export, a bulk replay) and must not hold every summary at once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, type ListOptions } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';

const home = tempHome();
let store: Store;
beforeAll(() => (store = filled()));
afterAll(() => {
  store.close();
  home.cleanup();
});

/** Exchanges each filter tells apart: paths, providers and events, a signature that fails, a 5xx, replays, ages. */
function filled(): Store {
  const store = Store.open(home.db);
  const now = Date.now();
  const shapes = [
    { path: '/stripe/a', provider: 'stripe', eventType: 'invoice.paid', status: 200 },
    { path: '/stripes', provider: 'stripe', eventType: 'charge.refunded', status: 500 },
    { path: '/stripe?x=1', provider: 'stripe', eventType: 'invoice.paid', status: 200, invalid: true },
    { path: '/github', provider: 'github', eventType: 'push', status: 404 },
    { path: '/other', provider: null, eventType: null, status: null },
  ];
  for (let i = 0; i < 40; i++) {
    const shape = shapes[i % shapes.length];
    const replayOf = i >= 5 && i % 7 === 0 ? i - 5 : null;
    const recording = store.begin(exchangeStart({ path: shape.path, replayOf, receivedAt: now - (40 - i) * 60_000 }));
    if (shape.status === null) recording.fail(502, 'local_unreachable', 'connection refused', 1);
    else {
      recording.respond(shape.status, []);
      recording.complete(1);
    }
    const { provider, eventType } = shape;
    store.recordAnalysis(recording.id, { provider, eventType, eventId: `evt_${i}`, eventAt: null, orderScope: null, verification: shape.invalid ? 'invalid' : 'valid', reason: null }, { url: exchangeStart().url });
  }
  return store;
}

describe('Store.listIds', () => {
  it.each<[string, ListOptions]>([
    ['no filter', { limit: 100 }],
    ['a limit', { limit: 7 }],
    ['oldest first', { limit: 9, oldestFirst: true }],
    ['paging back', { limit: 5, beforeId: 30 }],
    ['following', { limit: 5, afterId: 12, oldestFirst: true }],
    ['--since', { limit: 100, since: Date.now() - 10.5 * 60_000 }],
    ['--path', { limit: 100, pathPrefix: '/stripe' }],
    ['--path ending in /', { limit: 100, pathPrefix: '/stripe/' }],
    ['--provider --event', { limit: 100, provider: 'stripe', eventType: 'invoice.paid' }],
    ['--failed', { limit: 100, failed: true }],
    ['a bulk replay', { limit: 100, since: 0, pathPrefix: '/stripe', originalsOnly: true, oldestFirst: true }],
  ])('%s: the ids list gives, in its order', (_what, options) => {
    const ids = store.list(options).map((e) => e.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(store.listIds(options)).toEqual(ids);
  });
});
