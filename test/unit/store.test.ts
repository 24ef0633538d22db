import { randomBytes, createHash } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { migrate, readsEveryRow, SCHEMA_VERSION, type Upgrade, type UpgradeListener } from '../../src/store/migrations.js';
import { tempHome } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { SCHEMA_BEFORE_INDEXES, toSchemaBeforeIndexes } from '../helpers/old-schema.js';

const home = tempHome();
afterAll(() => home.cleanup());

const start = (overrides = {}) => exchangeStart({ headers: [['A', '1'], ['a', '2']], ...overrides });

describe('store', () => {
  it('creates the file 0600 and records a whole exchange', () => {
    const store = Store.open(`${home.dir}/a/b.db`);
    expect(statSync(`${home.dir}/a/b.db`).mode & 0o777).toBe(0o600);
    const recording = store.begin(start({ body: Buffer.from('hi') }));
    recording.respond(201, [['X', 'y']]);
    recording.appendResponseBody(Buffer.from('ok'));
    recording.complete(1.5);
    const exchange = store.get(recording.id)!;
    expect(exchange).toMatchObject({ status: 201, state: 'complete', durationMs: 1.5, requestSize: 2, responseSize: 2 });
    expect(exchange.requestHeaders).toEqual([['A', '1'], ['a', '2']]);
    expect(exchange.requestBody.toString()).toBe('hi');
    expect(exchange.responseBody!.toString()).toBe('ok');
    store.close();
  });

  it('streams a large body in chunks and hashes all of it', () => {
    const store = Store.open(home.db);
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const recording = store.begin(start());
    // The row exists before any body byte: a crash now still leaves a record.
    expect(store.get(recording.id)!.state).toBe('pending');
    for (let i = 0; i < body.length; i += 65536) recording.appendRequestBody(body.subarray(i, i + 65536));
    recording.fail(502, 'local_unreachable', 'nope', 3);
    const exchange = store.get(recording.id)!;
    expect(exchange.requestBody.equals(body)).toBe(true);
    expect(exchange.requestSha256).toBe(createHash('sha256').update(body).digest('hex'));
    const { state, status, errorCode, requestSize } = exchange;
    expect({ state, status, errorCode, requestSize }).toEqual({ state: "failed", status: 502, errorCode: "local_unreachable", requestSize: body.length });
    store.close();
  });

  it('marks exchanges left pending by a dead process as interrupted, and lists newest first', () => {
    const store = Store.open(home.db);
    const recording = store.begin(start({ body: Buffer.alloc(0), deliveryId: 'dead-1' }));
    // Pretend another process, now gone, recorded it.
    (store as unknown as { db: { prepare(s: string): { run(...a: unknown[]): void } } }).db
      .prepare('UPDATE exchanges SET recorder_pid = ? WHERE id = ?')
      .run(2 ** 22 + 12345, recording.id);
    expect(store.markInterrupted()).toBe(1);
    expect(store.get(recording.id)!.state).toBe('interrupted');
    expect(store.findDelivery('dead-1')).toBe(recording.id);
    store.begin(start({ body: Buffer.from('newer') })).complete(1);
    const ids = store.list({ limit: 10 }).map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(store.list({ limit: 10, beforeId: ids[0] })[0].id).toBe(ids[1]);
    store.close();
  });

  it('brings a file at schema 4 (delivery order marks, already in users\' databases) up to the routes columns', () => {
    const file = `${home.dir}/schema4.db`;
    const store = Store.open(file);
    const recording = store.begin(start({ body: Buffer.from('old'), route: '/a' }));
    recording.complete(1);
    const id = recording.id;
    store.close();
    // Made what a schema-4 file is: delivery order columns present, no route or redaction columns.
    const db = new Database(file);
    db.exec('UPDATE exchanges SET delivered_after = 99; ALTER TABLE exchanges DROP COLUMN route; ALTER TABLE exchanges DROP COLUMN redacted; ALTER TABLE attempts DROP COLUMN resigned;' +
      ' DROP INDEX exchanges_replays; DROP INDEX exchanges_provider; DROP INDEX exchanges_event_type;' +
      ' DROP INDEX exchanges_path; DROP INDEX exchanges_failed; DROP INDEX exchanges_order; ALTER TABLE exchanges DROP COLUMN order_scope;' +
      ' ALTER TABLE exchanges DROP COLUMN verification_problem; ALTER TABLE exchanges DROP COLUMN sender_gone_ms;' +
      ' ALTER TABLE exchanges DROP COLUMN provider_retry;' +
      ' CREATE INDEX exchanges_event_time ON exchanges(provider, event_at) WHERE provider IS NOT NULL;');
    db.pragma('user_version = 4');
    db.close();
    const reopened = Store.open(file);
    expect(reopened.get(id)).toMatchObject({ route: null, deliveredAfter: 99 });
    expect(reopened.get(id)!.requestBody.toString()).toBe('old');
    reopened.close();
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });

  it('keeps rows without an event time out of the exchanges_order index, which answers the out-of-order lookup with one seek', () => {
    const file = `${home.dir}/schema11.db`;
    const store = Store.open(file);
    const { latestEvent } = (store as unknown as { statements: { latestEvent: { source: string } } }).statements;
    store.close();
    const db = new Database(file, { readonly: true });
    const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'exchanges_order'`).pluck().get() as string;
    expect(sql).toContain('WHERE event_at IS NOT NULL');
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${latestEvent.source}`).all('stripe', '[null,"object","pi_1"]', 9, 'http://relay/t/x/hook') as { detail: string }[];
    // The delivery's kind (delivery-kind.ts) is the index's third column (<expr>): no row of the table is read.
    expect(plan.map((p) => p.detail)).toEqual(['SEARCH exchanges USING COVERING INDEX exchanges_order (provider=? AND order_scope=? AND <expr>=? AND event_at>?)']);
    db.close();
  });

  it('gives a clear error for a file it cannot open', () => {
    const file = `${home.dir}/not-a-dir`;
    writeFileSync(file, 'x');
    expect(() => Store.open(`${file}/x.db`)).toThrow(`could not open the database ${file}/x.db`);
  });
});

describe('summary', () => {
  it('is the list row of one exchange, without headers or bodies; undefined for an unknown id', () => {
    const store = Store.open(':memory:');
    try {
      const recording = store.begin({ method: 'POST', path: '/a', headers: [['X', '1']], body: Buffer.from('x'), deliveryId: null, url: null, receivedAt: 1, replayOf: null, target: 'http://localhost:1', route: null });
      recording.complete(1);
      const id = recording.id;
      store.writes.commitBatch();
      expect(store.summary(id)).toEqual(store.list({ limit: 10 }).find((e) => e.id === id));
      expect(store.summary(id)).not.toHaveProperty('requestBody');
      expect(store.summary(id + 1)).toBeUndefined();
    } finally {
      store.close();
    }
  });
});

describe('migrate', () => {
  /** A listener that notes what it heard, with the file's version at that moment. */
  function hearing(db: Database.Database): { heard: [string, Upgrade, number][]; listener: UpgradeListener } {
    const heard: [string, Upgrade, number][] = [];
    const version = () => db.pragma('user_version', { simple: true }) as number;
    return {
      heard,
      listener: { starting: (upgrade) => heard.push(['starting', upgrade, version()]), finished: (upgrade) => heard.push(['finished', upgrade, version()]) },
    };
  }

  it('tells its listener before an update that reads every recorded exchange, and when it is done; nothing when there is none', () => {
    const file = `${home.dir}/before-indexes.db`;
    const store = Store.open(file);
    for (let i = 0; i < 3; i++) store.begin(start({ body: Buffer.from(`old ${i}`) })).complete(1);
    store.close();
    toSchemaBeforeIndexes(file);
    const db = new Database(file);
    const { heard, listener } = hearing(db);
    migrate(db, listener);
    db.close();
    expect(heard).toEqual([
      ['starting', { exchanges: 3 }, SCHEMA_BEFORE_INDEXES],
      ['finished', { exchanges: 3 }, SCHEMA_VERSION],
    ]);

    // A new file, one with no exchanges, one already up to date: the same steps, or none, take no time to speak of.
    const fresh = new Database(`${home.dir}/fresh.db`);
    const empty = `${home.dir}/empty-before-indexes.db`;
    Store.open(empty).close();
    toSchemaBeforeIndexes(empty);
    for (const quiet of [fresh, new Database(empty), new Database(file)]) {
      const { heard, listener } = hearing(quiet);
      migrate(quiet, listener);
      expect(quiet.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      quiet.close();
      expect(heard).toEqual([]);
    }
  });

  it('counts an index build, a data change or a dropped column as reading every row; a new column, table or comment as not', () => {
    expect(readsEveryRow('CREATE INDEX exchanges_replays ON exchanges(replay_of) WHERE replay_of IS NOT NULL;')).toBe(true);
    expect(readsEveryRow('CREATE UNIQUE INDEX a ON exchanges(x);')).toBe(true);
    expect(readsEveryRow("UPDATE exchanges SET state = 'x';")).toBe(true);
    expect(readsEveryRow('ALTER TABLE exchanges DROP COLUMN late_by_ms;')).toBe(true);
    expect(readsEveryRow('ALTER TABLE exchanges ADD COLUMN route TEXT; -- UPDATE exchanges SET route later')).toBe(false);
    expect(readsEveryRow('CREATE TABLE t (id INTEGER REFERENCES exchanges(id) ON DELETE SET NULL ON UPDATE CASCADE);')).toBe(false);
    expect(readsEveryRow('DROP INDEX exchanges_event_time;')).toBe(false);
  });

  it('skips the steps another process applied between its first look and its write lock', () => {
    const home = tempHome();
    try {
      const path = `${home.dir}/race.db`;
      const first = new Database(path);
      const second = new Database(path);
      // The race: both read user_version 0 before either migrates.
      const stale = second.pragma.bind(second);
      let looked = false;
      second.pragma = ((source: string, options?: Database.PragmaOptions) => {
        if (source === 'user_version' && !looked) {
          looked = true;
          return 0;
        }
        return stale(source, options);
      }) as typeof second.pragma;
      migrate(first);
      expect(() => migrate(second)).not.toThrow();
      expect(stale('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      first.close();
      second.close();
    } finally {
      home.cleanup();
    }
  });
});

describe('list by path', () => {
  it('takes whole segments: /stripe is /stripe, /stripe/… and /stripe?…, not /stripes; a trailing / keeps only what is below', () => {
    const store = Store.open(':memory:');
    try {
      // '/stripe0' and '/stripe@' sort just after the ranges the index reads for '/stripe/…' and '/stripe?…'.
      const paths = ['/stripe', '/stripe/events', '/stripe?x=1', '/stripes', '/stripe-test', '/stripe0', '/stripe@x', '/github'];
      for (const path of paths) {
        store.begin({ method: 'POST', path, headers: [], body: Buffer.from('x'), deliveryId: null, url: null, receivedAt: 1, replayOf: null, target: 'http://localhost:1', route: null }).complete(1);
      }
      const under = (pathPrefix: string) => store.list({ limit: 10, oldestFirst: true, pathPrefix }).map((e) => e.path);
      expect(under('/stripe')).toEqual(['/stripe', '/stripe/events', '/stripe?x=1']);
      expect(under('/stripe/')).toEqual(['/stripe/events']);
      expect(under('/')).toEqual(paths);
    } finally {
      store.close();
    }
  });
});
