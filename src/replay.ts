// Replays a recorded request to a local target with its exact method, path, headers and bytes; records the replay.

import type { ExchangeSummary } from './exchange.js';
import { runExchange } from './exchange-runner.js';
import { Forwarder } from './forward/forwarder.js';
import { parseTarget, type Target } from './forward/target.js';
import type { Store } from './store/store.js';

export interface ReplayOptions {
  /** Where to send it; default: the exchange's original target. */
  to?: Target;
  timeoutMs: number;
  onStoreError?: (error: Error) => void;
}

/** Returns the new exchange, or undefined when there is no exchange with this id. */
export async function replayExchange(store: Store, id: number, options: ReplayOptions): Promise<ExchangeSummary | undefined> {
  const original = store.get(id);
  if (!original) return undefined;
  const forwarder = new Forwarder(options.to ?? parseTarget(original.target), { timeoutMs: options.timeoutMs, hostHeader: 'rewrite' });
  try {
    const running = runExchange(
      {
        method: original.method,
        path: original.path,
        headers: original.requestHeaders,
        body: original.requestBody,
        deliveryId: null,
        url: original.url,
        receivedAt: Date.now(),
        replayOf: original.id,
      },
      { forwarder, store, onStoreError: options.onStoreError },
    );
    return await running.done;
  } finally {
    forwarder.close();
  }
}
