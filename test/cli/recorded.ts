// Recorded exchanges written straight into a capture database, for CLI tests that need history without a tunnel.

import { Store } from '../../src/store/store.js';

export interface Recorded {
  target: string;
  path?: string;
  body?: string;
  /** The local app's answer; omitted: it could not be reached (502 local_unreachable). */
  status?: number;
  receivedAt?: number;
}

/** Writes the exchanges, oldest first, and returns their ids. */
export function record(db: string, exchanges: Recorded[]): number[] {
  const store = Store.open(db);
  try {
    return exchanges.map((e, index) => {
      const recording = store.begin({
        deliveryId: `d-${index}-${e.path ?? ''}`,
        replayOf: null,
        url: `http://relay.test/t/x${e.path ?? '/hook'}`,
        target: e.target,
        receivedAt: e.receivedAt ?? Date.now() - 60_000 + index,
        method: 'POST',
        path: e.path ?? '/hook',
        headers: [['Content-Type', 'text/plain']],
        body: Buffer.from(e.body ?? 'payload'),
      });
      if (e.status === undefined) {
        recording.fail(502, 'local_unreachable', 'connection refused', 2);
      } else {
        recording.respond(e.status, [['Content-Type', 'text/plain']]);
        recording.appendResponseBody(Buffer.from('ok'));
        recording.complete(3);
      }
      return recording.id;
    });
  } finally {
    store.close();
  }
}
