// Chaos: the tunnel drops while a 10 MB request body is streaming through it. The local app must never see a truncated
// body: the sender gets a clean error, or (as here, the relay keeping the body) 202 and the request is redelivered whole.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { sha256, waitFor } from '../helpers/http.js';
import { home, listen, queuedRequests, requestEvents, startRelay, watchfulApp } from './helpers.js';

/** Starts a POST whose body the test writes in parts; resolves with the status (or the error) at the end. */
function streamingPost(url: string, size: number) {
  const target = new URL(url);
  const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'Content-Length': size }, agent: false });
  const reply = new Promise<number | Error>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', resolve);
  });
  return { req, reply };
}

describe('a WebSocket drop mid-body', () => {
  it('never hands the local app a truncated 10 MB body: it is queued whole and redelivered', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await watchfulApp();
    const args = [String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'big'];
    const first = await listen(args, h.env);

    const body = randomBytes(10 * 1024 * 1024);
    const { req, reply } = streamingPost(`${first.url}/upload`, body.length);
    req.write(body.subarray(0, 5 * 1024 * 1024));
    await waitFor(() => app.started.includes('/upload'), 'the body to be streaming to the app');
    await first.kill();
    await waitFor(() => relay.stderr().includes('tunnel big closed'), 'the relay to see the tunnel drop');
    req.end(body.subarray(5 * 1024 * 1024));

    const outcome = await reply;
    expect(outcome).toBe(202);
    expect(app.completed).toEqual([]);
    expect(await queuedRequests(relay.url)).toBe(1);

    const second = await listen(args, h.env);
    await waitFor(() => requestEvents(second.events).length === 1, 'the redelivery');
    await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'the ACK');
    expect(app.completed).toEqual([{ url: '/upload', sha256: sha256(body), size: body.length }]);

    const store = Store.open(h.db);
    try {
      const rows = store.list({ limit: 10 });
      expect(rows).toHaveLength(1);
      const stored = store.get(rows[0].id)!;
      expect(stored.requestSha256).toBe(sha256(body));
      expect(stored.state).toBe('complete');
    } finally {
      store.close();
    }
    await second.stop();
  });
});
