// Why a provider sent a delivery again, where its headers say (Slack's X-Slack-Retry-Num and -Reason), is worked out
// with the rest of the webhook analysis and stored with it, so the views that have no headers (the log line, `ls`,
// the TUI's rows) can say it beside `dup #n`. A store from the schema before the column opens and records it too.

import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { HeaderPairs } from '../../src/exchange.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { analyzeWebhook } from '../../src/webhooks/analyze.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { tempHome } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { toSchemaBeforeRetry } from '../helpers/old-schema.js';

const home = tempHome();
afterAll(() => home.cleanup());

const secrets = buildSecrets({ flags: ['slack=s3cret'] });
const mention = buildTriggerRequest('slack', 'app_mention', { secrets, nowMs: Date.now(), path: '/slack/events' });
const RETRY: HeaderPairs = [['X-Slack-Retry-Num', '1'], ['X-Slack-Retry-Reason', 'http_timeout']];

/** Records the Slack event with `extra` headers as listen would (analysed, then stored); returns its id. */
function deliver(store: Store, extra: HeaderPairs = [], replayOf: number | null = null): number {
  const headers = [...mention.headers, ...extra];
  const recording = store.begin(exchangeStart({ headers, body: mention.body, path: '/slack/events', replayOf }));
  const analysis = analyzeWebhook({ headers, body: mention.body, url: null }, secrets, Date.now(), '/slack/events');
  store.recordAnalysis(recording.id, analysis, { url: exchangeStart().url, isReplay: replayOf !== null, into: recording });
  recording.complete(3);
  return recording.id;
}

describe("a provider's retry", () => {
  it('is stored with the analysis and read back with the summary: dup #1 and why', () => {
    const store = Store.open(`${home.dir}/retry.db`);
    const first = deliver(store);
    const again = deliver(store, RETRY);
    expect(store.summary(first)!.webhook).not.toHaveProperty('retry');
    expect(store.summary(again)!.webhook).toMatchObject({ provider: 'slack', duplicateOf: first, retry: 'retry 1: http_timeout' });
    // Listed (ls, the TUI) as well as read one at a time.
    expect(store.list({ limit: 5 }).find((e) => e.id === again)!.webhook?.retry).toBe('retry 1: http_timeout');
    store.close();
  });

  it('is not said of a replay, which carries the recorded headers but is not the provider sending it again', () => {
    const store = Store.open(`${home.dir}/replay.db`);
    const first = deliver(store, RETRY);
    const replay = deliver(store, RETRY, first);
    expect(store.summary(first)!.webhook?.retry).toBe('retry 1: http_timeout');
    expect(store.summary(replay)!.webhook).not.toHaveProperty('retry');
    store.close();
  });

  it('is recorded in a store opened from the schema before the column, whose rows read as before', () => {
    const file = `${home.dir}/schema10.db`;
    const old = Store.open(file);
    const before = deliver(old);
    old.close();
    toSchemaBeforeRetry(file);

    const store = Store.open(file);
    expect(store.summary(before)!.webhook).toMatchObject({ provider: 'slack', eventType: 'app_mention', duplicateOf: null });
    expect(store.summary(before)!.webhook).not.toHaveProperty('retry');
    const again = deliver(store, RETRY);
    expect(store.summary(again)!.webhook).toMatchObject({ duplicateOf: before, retry: 'retry 1: http_timeout' });
    store.close();
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });
});
