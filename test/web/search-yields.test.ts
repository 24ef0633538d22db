// A word search in the inspector reads bodies on the thread that also forwards listen's webhooks: it must give the
// event loop back while it reads, so other requests (a webhook, another page's call) are not held for the whole search.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { Store } from '../../src/store/store.js';
import type { Inspector } from '../../src/web/server.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { raw, startInspector } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-search-'));
let store: Store;
let inspector: Inspector;

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'));
  // The most a search examines (2,000 rows), each with a 32 KB body the word is not in.
  const body = Buffer.alloc(32 * 1024, 'lorem ipsum ');
  for (let i = 0; i < 2_000; i++) {
    const recording = store.begin(exchangeStart({ path: `/hook/${i}`, body }));
    recording.respond(200, []);
    recording.complete(1);
  }
  store.writes.commitBatch();
  inspector = await startInspector(store);
});

afterAll(async () => {
  await inspector?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('answers another request while a word search reads 2,000 bodies', async () => {
  const host = { Host: `127.0.0.1:${inspector.port}` };
  let searching!: () => void;
  const started = new Promise<void>((resolve) => (searching = resolve));
  vi.spyOn(store, 'get').mockImplementationOnce(function (this: Store, id: number) {
    searching();
    return Store.prototype.get.call(this, id);
  });
  const order: string[] = [];
  const search = raw(inspector.port, 'GET', '/api/exchanges?q=not-in-any-body', host).then((reply) => {
    order.push('search');
    return reply;
  });
  await started;
  const info = raw(inspector.port, 'GET', '/api/info', host).then((reply) => {
    order.push('info');
    return reply;
  });
  const [found, answered] = await Promise.all([search, info]);
  expect([found.status, JSON.parse(found.body.toString()).items]).toEqual([200, []]);
  expect(answered.status).toBe(200);
  expect(order).toEqual(['info', 'search']);
});
