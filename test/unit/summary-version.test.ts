// How the store watcher tells versions of one exchange apart (src/store/summary-version.ts): the summary listen built
// in memory and the row read back print alike, and a read back is older than an announced answer only when no new
// attempt explains it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/exchange.js';
import { Store } from '../../src/store/store.js';
import { isOlderThan, summaryPrint } from '../../src/store/summary-version.js';
import { exchangeStart } from '../helpers/exchange-start.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const answered: ExchangeSummary = {
  id: 7, replayOf: null, deliveryId: 'd7', url: null, target: 'http://localhost:3000', receivedAt: 1, method: 'POST',
  path: '/hook', requestSize: 2, status: 500, responseSize: 0, durationMs: 3, state: 'complete', errorCode: null, errorMessage: null,
};
const version = (patch: Partial<ExchangeSummary>): ExchangeSummary => ({ ...answered, ...patch });

describe('summaryPrint', () => {
  it('prints the row read back like the summary its recorder announced, whatever their key order and absent fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-version-'));
    dirs.push(dir);
    const store = Store.open(join(dir, 'capture.db'));
    try {
      const recording = store.begin(exchangeStart({ body: Buffer.from('{}'), deliveryId: 'd1' }));
      recording.respond(200, []);
      recording.appendResponseBody(Buffer.from('ok'));
      recording.complete(4.5);
      const read = store.summary(recording.id)!;
      // As exchange-runner.ts builds it: other key order, no webhook, no redaction marks, a re-signing mark.
      const announced: ExchangeSummary = {
        state: 'complete', id: read.id, replayOf: null, deliveryId: 'd1', url: read.url, target: read.target, route: undefined,
        receivedAt: read.receivedAt, method: 'POST', path: '/hook', requestSize: 2, status: 200, responseSize: 2,
        durationMs: 4.5, errorCode: null, errorMessage: null, resigned: true,
      };
      expect(summaryPrint(announced)).toBe(summaryPrint(read));
      expect(summaryPrint({ ...announced, status: 201 })).not.toBe(summaryPrint(read));
      // A sender that hung up is shown at once (a `sender gone` mark), while the app's answer is still to come.
      expect(summaryPrint({ ...read, senderGoneAfterMs: 10_000 })).not.toBe(summaryPrint(read));
      expect(summaryPrint({ ...read, webhook: { provider: 'stripe', eventType: null, eventId: null, verification: 'invalid', reason: 'x', duplicateOf: null, outOfOrder: false } })).not.toBe(summaryPrint(read));
    } finally {
      store.close();
    }
  });
});

describe('isOlderThan', () => {
  it('a live exchange read back pending after its answer was announced: that answer is not committed yet', () => {
    expect(isOlderThan(version({ state: 'pending', status: null }), answered)).toBe(true);
  });

  it('a retry of it (here or in another terminal) is newer: its first delivery is counted as attempt 1 first', () => {
    expect(isOlderThan(version({ state: 'pending', status: null, attempts: 1 }), answered)).toBe(false);
    expect(isOlderThan(version({ state: 'complete', status: 200, attempts: 2 }), answered)).toBe(false);
  });

  it('an earlier attempt of a retried exchange is older, pending or answered; the next one is not', () => {
    const third = version({ attempts: 3, maxAttempts: 8, nextAttemptAt: 99 });
    expect(isOlderThan(version({ state: 'pending', status: null, attempts: 2 }), third)).toBe(true);
    expect(isOlderThan(version({ attempts: 2 }), third)).toBe(true);
    expect(isOlderThan(version({ state: 'pending', status: null, attempts: 3 }), third)).toBe(false);
  });

  it('the same attempt changed by another process (a verdict from `verify`) is not older', () => {
    expect(isOlderThan(version({ webhook: { provider: 'stripe', eventType: null, eventId: null, verification: 'valid', reason: null, duplicateOf: null, outOfOrder: false } }), answered)).toBe(false);
  });
});
