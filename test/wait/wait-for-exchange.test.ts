// waitForExchange against a real store file written through a second connection: it wakes on the file watch (the
// fallback poll is set far beyond the test's time), skips exchanges still in flight, and sees them once settled.

import { afterAll, describe, expect, it } from 'vitest';
import { parseMatch } from '../../src/match/match-expr.js';
import { PROGRESS_BATCH, Store } from '../../src/store/store.js';
import { waitForExchange } from '../../src/wait/wait-for-exchange.js';
import { tempHome } from '../helpers/cli.js';

const home = tempHome();
afterAll(() => home.cleanup());

const start = (path: string) => ({
  deliveryId: null, replayOf: null, url: null, target: 'http://localhost:1', receivedAt: Date.now(), method: 'POST', path, headers: [] as [string, string][], body: Buffer.from('x'),
});

describe.skipIf(process.platform !== 'linux' && process.platform !== 'darwin')('waitForExchange', () => {
  it('wakes on the file watch and waits for an in-flight exchange to settle before matching it', async () => {
    const writer = Store.open(home.db);
    const reader = Store.open(home.db);
    try {
      const old = writer.begin(start('/hit'));
      old.respond(200, []);
      old.complete(1);
      writer.writes.commitBatch();
      const afterId = reader.lastId();
      expect(afterId).toBe(old.id);
      let result: Awaited<ReturnType<typeof waitForExchange>> | undefined;
      const waiting = waitForExchange(reader, { matchers: [parseMatch('path=/hit'), parseMatch('status=2xx')], afterId, timeoutMs: 10_000, pollMs: 600_000 }).then((r) => (result = r));
      // A second waiter, woken by the same file events, shows when the change has been seen.
      const witness = waitForExchange(reader, { matchers: [parseMatch('path=/miss')], afterId, timeoutMs: 10_000, pollMs: 600_000 });

      const inFlight = writer.begin(start('/hit'));
      writer.writes.commitBatch();
      const other = writer.begin(start('/miss'));
      other.respond(200, []);
      other.complete(1);
      writer.writes.commitBatch();
      // Both are in the file now; neither may end the wait (one in flight, one not matching). Once the witness has
      // seen them, the first waiter has looked at the same change by the turn after.
      const seen = await witness;
      expect(seen?.id).toBe(other.id);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(result).toBeUndefined();

      inFlight.respond(201, []);
      inFlight.complete(1);
      writer.writes.commitBatch();
      const found = await waiting;
      expect(found).toMatchObject({ id: inFlight.id, path: '/hit', status: 201 });
    } finally {
      writer.close();
      reader.close();
    }
  });

  it('keeps finding new exchanges behind one that never settles (a crashed recorder left it pending)', async () => {
    const writer = Store.open(home.db);
    const reader = Store.open(home.db);
    try {
      const afterId = reader.lastId();
      writer.begin(start('/stuck'));
      for (let i = 0; i <= PROGRESS_BATCH; i++) {
        const settled = writer.begin(start('/filler'));
        settled.respond(200, []);
        settled.complete(1);
      }
      const wanted = writer.begin(start('/wanted'));
      wanted.respond(200, []);
      wanted.complete(1);
      writer.writes.commitBatch();
      const found = await waitForExchange(reader, { matchers: [parseMatch('path=/wanted')], afterId, timeoutMs: 10_000, pollMs: 600_000 });
      expect(found).toMatchObject({ id: wanted.id, path: '/wanted' });
    } finally {
      writer.close();
      reader.close();
    }
  });

  it('looks at one batch of PROGRESS_BATCH per turn, so a long --since window does not hold back --timeout', async () => {
    // `wait --since 30d` on a store weeks old: 300,000 rows looked at in one turn ignored --timeout 2s for 19 s.
    const file = `${home.dir}/catch-up.db`;
    const writer = Store.open(file);
    const reader = Store.open(file);
    try {
      for (let i = 0; i < 3 * PROGRESS_BATCH; i++) {
        const recording = writer.begin(start(i === 3 * PROGRESS_BATCH - 1 ? '/last' : '/other'));
        recording.respond(200, []);
        recording.complete(1);
      }
      writer.writes.commitBatch();
      const progressAfter = reader.progressAfter.bind(reader);
      let batches = 0;
      reader.progressAfter = (afterId) => (batches++, progressAfter(afterId));
      const found = waitForExchange(reader, { matchers: [parseMatch('path=/last')], afterId: 0, timeoutMs: 10_000, pollMs: 600_000 });
      expect(batches).toBe(1);
      expect((await found)?.path).toBe('/last');
      expect(batches).toBe(3);
    } finally {
      writer.close();
      reader.close();
    }
  });

  it('reads the whole exchange (headers, bodies) only of rows its path, status … do not rule out', async () => {
    // `wait --since 30d --match path=…` read every exchange of the window whole: 11.5 s on a 300,000-exchange store.
    const file = `${home.dir}/fields-first.db`;
    const writer = Store.open(file);
    const reader = Store.open(file);
    try {
      const record = (path: string, status: number, headers: [string, string][] = []) => {
        const recording = writer.begin({ ...start(path), headers });
        recording.respond(status, []);
        recording.complete(1);
        return recording.id;
      };
      for (let i = 0; i < 50; i++) record('/other', 200);
      const failed = record('/hit', 500);
      const wrongHeader = record('/hit', 200, [['x-kind', 'b']]);
      const hit = record('/hit', 200, [['x-kind', 'a']]);
      writer.writes.commitBatch();
      const get = reader.get.bind(reader);
      const read: number[] = [];
      reader.get = (id) => (read.push(id), get(id));
      const matchers = ['path=/hit', 'status=2xx', 'header.x-kind=a'].map(parseMatch);
      expect((await waitForExchange(reader, { matchers, afterId: 0, timeoutMs: 10_000, pollMs: 600_000 }))?.id).toBe(hit);
      // The 5xx is ruled out by its status, the other paths by theirs; the header needs the exchange read.
      expect(read).toEqual([wrongHeader, hit]);
      expect(read).not.toContain(failed);
    } finally {
      writer.close();
      reader.close();
    }
  });

  it('returns null when the time runs out', async () => {
    const reader = Store.open(home.db);
    try {
      const started = Date.now();
      expect(await waitForExchange(reader, { matchers: [parseMatch('path=/never')], afterId: 0, timeoutMs: 200 })).toBeNull();
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      reader.close();
    }
  });
});
