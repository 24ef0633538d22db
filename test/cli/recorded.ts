// Recorded exchanges written straight into a capture database, for CLI tests that need history without a tunnel.

import type { HeaderPairs } from '../../src/exchange.js';
import { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';

/** A temp home (its database path, environment and folder) and a local app, both undone after the test. */
export async function homeWithApp(): Promise<{ db: string; env: Record<string, string>; dir: string; app: LocalApp }> {
  const h = tempHome();
  onCleanup(h.cleanup);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  return { db: h.db, env: h.env, dir: h.dir, app };
}

export interface Recorded {
  target: string;
  path?: string;
  body?: string;
  /** The request's headers; omitted: `Content-Type: text/plain` alone. */
  headers?: HeaderPairs;
  /** The local app's answer; omitted: it could not be reached (502 local_unreachable). */
  status?: number;
  receivedAt?: number;
  /** Stored redacted by these rules (listen --redact), e.g. ['header:authorization']. */
  redacted?: string[];
  /** Only part of the body arrived (the tunnel dropped mid-body): kept without a SHA-256, failed tunnel_disconnected. */
  cutMidBody?: boolean;
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
        headers: e.headers ?? [['Content-Type', 'text/plain']],
        body: e.cutMidBody ? undefined : Buffer.from(e.body ?? 'payload'),
        redacted: e.redacted,
      });
      if (e.cutMidBody) {
        recording.appendRequestBody(Buffer.from(e.body ?? 'payload'));
        recording.abandonRequestBody();
        recording.fail(502, 'tunnel_disconnected', 'the tunnel dropped mid-body', 2);
      } else if (e.status === undefined) {
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
