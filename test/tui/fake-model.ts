// A TuiModel in memory for component tests: exchanges are pushed by the test, replays and edited replays are recorded.

import type { Exchange, ExchangeSummary, HeaderPairs, WebhookInfo } from '../../src/exchange.js';
import type { EditedReplay, HeaderInfo, ModelListener, Suspend, TuiModel } from '../../src/tui/model.js';

// Today at noon, local time: the list shows a row from today as a time of day (one from another day carries its date,
// which a test of that sets through receivedAt).
let nextReceived = new Date().setHours(12, 0, 0, 0);

/** An exchange with sensible defaults; override any field. */
export function makeExchange(id: number, overrides: Partial<Exchange> = {}): Exchange {
  const requestBody = overrides.requestBody ?? Buffer.from(`{"id":${id}}`);
  const requestHeaders: HeaderPairs = overrides.requestHeaders ?? [['content-type', 'application/json']];
  return {
    id,
    replayOf: null,
    deliveryId: `d${id}`,
    url: 'https://relay.example/t/abc',
    target: 'http://localhost:3000',
    receivedAt: (nextReceived += 1000),
    method: 'POST',
    path: `/hooks/${id}`,
    requestSize: requestBody.length,
    status: 200,
    responseSize: 2,
    durationMs: 12,
    state: 'complete',
    errorCode: null,
    errorMessage: null,
    requestHeaders,
    requestBody,
    requestSha256: null,
    responseHeaders: [['content-type', 'text/plain']],
    responseBody: Buffer.from('ok'),
    responseSha256: null,
    ...overrides,
  };
}

/** Webhook facts for a verified Stripe event; override any field. */
export function makeWebhook(overrides: Partial<WebhookInfo> = {}): WebhookInfo {
  return {
    provider: 'stripe',
    eventType: 'payment_intent.succeeded',
    eventId: 'evt_1',
    verification: 'valid',
    reason: null,
    duplicateOf: null,
    outOfOrder: false,
    ...overrides,
  };
}

function summaryOf(e: Exchange): ExchangeSummary {
  const { requestHeaders, requestBody, requestSha256, responseHeaders, responseBody, responseSha256, ...summary } = e;
  void requestHeaders, requestBody, requestSha256, responseHeaders, responseBody, responseSha256;
  return summary;
}

export class FakeModel implements TuiModel {
  readonly exchanges = new Map<number, Exchange>();
  readonly replays: number[] = [];
  readonly retries: number[] = [];
  readonly editReplays: number[] = [];
  /** What the fake editor makes of a body (it runs inside the UI's suspend); throw to act as a failing editor. */
  edit: (body: Buffer) => Buffer = (body) => Buffer.from(`${body.toString()} `);
  /** The webhook verdict the fake gives every replay (none by default). */
  replayWebhook: Exchange['webhook'] = null;
  /** How the fake says the edited replay was signed. */
  resign: EditedReplay['resign'] = { resigned: true };
  readonly listCalls: { limit: number; beforeId?: number }[] = [];
  private readonly listeners = new Set<ModelListener>();
  private header: HeaderInfo = {
    mode: 'listen',
    url: 'https://relay.example/t/abc',
    target: 'http://localhost:3000',
    dbPath: '/tmp/hooktunnel-test.db',
    connection: { state: 'online', attempt: 0 },
    requests: 0,
    failures: 0,
    storeErrors: 0,
  };

  /** Exchanges already in the store before the UI starts (no events). */
  seed(exchanges: Exchange[]): this {
    for (const e of exchanges) this.exchanges.set(e.id, e);
    return this;
  }

  /** A live exchange arriving from the tunnel. */
  push(e: Exchange): void {
    this.exchanges.set(e.id, e);
    this.setInfo({ requests: this.header.requests + 1 });
    for (const l of this.listeners) l.exchange?.(summaryOf(e));
  }

  setInfo(patch: Partial<HeaderInfo>): void {
    this.header = { ...this.header, ...patch };
    for (const l of this.listeners) l.info?.(this.header);
  }

  info(): HeaderInfo {
    return this.header;
  }

  subscribe(listener: ModelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(options: { limit: number; beforeId?: number }): ExchangeSummary[] {
    this.listCalls.push(options);
    return [...this.exchanges.values()]
      .filter((e) => e.id < (options.beforeId ?? Number.MAX_SAFE_INTEGER))
      .sort((a, b) => b.id - a.id)
      .slice(0, options.limit)
      .map(summaryOf);
  }

  get(id: number): Exchange | undefined {
    return this.exchanges.get(id);
  }

  async replay(id: number): Promise<ExchangeSummary | undefined> {
    this.replays.push(id);
    return this.replayed(id, {});
  }

  /** Another attempt of the same exchange: the row answers 200 now. */
  async retry(id: number): Promise<ExchangeSummary | undefined> {
    this.retries.push(id);
    const original = this.exchanges.get(id);
    if (!original) return undefined;
    const retried = { ...original, status: 200, state: 'complete' as const, errorCode: null, errorMessage: null, attempts: (original.attempts ?? 1) + 1 };
    this.push(retried);
    return summaryOf(retried);
  }

  async editAndReplay(id: number, suspend: Suspend = (run) => run()): Promise<EditedReplay | undefined> {
    this.editReplays.push(id);
    const original = this.exchanges.get(id);
    if (!original) return undefined;
    const requestBody = await suspend(async () => this.edit(original.requestBody));
    const exchange = this.replayed(id, { requestBody, requestSize: requestBody.length })!;
    return { exchange, edited: !requestBody.equals(original.requestBody), resign: this.resign };
  }

  private replayed(id: number, overrides: Partial<Exchange>): ExchangeSummary | undefined {
    const original = this.exchanges.get(id);
    if (!original) return undefined;
    const newId = Math.max(...this.exchanges.keys()) + 1;
    const replay = makeExchange(newId, { ...original, id: newId, replayOf: id, deliveryId: null, status: 201, webhook: this.replayWebhook, ...overrides });
    this.push(replay);
    return summaryOf(replay);
  }
}
