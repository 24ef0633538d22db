// Chaos: the CLI is killed (SIGKILL) while webhooks keep coming. The relay answers 202, queues them durably, and a
// restarted listen gets the same URL and every webhook exactly once, recorded once, in the order they arrived.

import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, pause, queuedRequests, requestEvents, startRelay } from './helpers.js';

async function sendPaced(url: string, count: number, spreadMs: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await send(`${url}/hook/${i}`, { headers: ['Content-Type', 'application/json'], body: JSON.stringify({ seq: i }) });
    expect(reply.status).toBe(202);
    ids.push(String(reply.headers['x-hooktunnel-delivery']));
    // Pacing, not synchronisation: the webhooks arrive over the stated time, like a sender's.
    await pause(spreadMs / count);
  }
  return ids;
}

function recorded(db: string) {
  const store = Store.open(db);
  try {
    return store.list({ limit: 10_000, oldestFirst: true });
  } finally {
    store.close();
  }
}

async function killSendRestart(args: (appPort: number) => string[], count: number, spreadMs: number) {
  const h = home();
  const relay = await startRelay(h.relayDir, h.env);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  const argv = [...args(app.port), '--relay', relay.url, '--db', h.db];

  const first = await listen(argv, h.env);
  const id = new URL(first.url).pathname.split('/')[2];
  await first.kill();
  await waitFor(() => relay.stderr().includes(`tunnel ${id} closed`), 'the relay to see the CLI gone');

  const deliveryIds = await sendPaced(first.url, count, spreadMs);
  expect(await queuedRequests(relay.url)).toBe(count);
  expect(app.received).toHaveLength(0);

  const second = await listen(argv, h.env);
  expect(second.url).toBe(first.url);
  await waitFor(() => requestEvents(second.events).length >= count, `${count} deliveries`, 20_000);
  await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'the relay to have every ACK');

  const paths = Array.from({ length: count }, (_, i) => `/hook/${i}`);
  expect(app.received.map((r) => r.url)).toEqual(paths);
  expect(app.received.map((r) => JSON.parse(r.body.toString()).seq)).toEqual(paths.map((_, i) => i));
  const rows = recorded(h.db);
  expect(rows.map((r) => r.path)).toEqual(paths);
  expect(rows.map((r) => r.deliveryId)).toEqual(deliveryIds);
  expect(rows.every((r) => r.state === 'complete' && r.status === 200 && r.lateByMs !== undefined && r.sender?.status === 202)).toBe(true);
  expect(requestEvents(second.events)).toHaveLength(count);
  await second.stop();
}

describe('the CLI killed while webhooks arrive', () => {
  it('with --name: 200 webhooks over 5 s are answered 202, then each reaches the app once, recorded once, in order', async () => {
    await killSendRestart((port) => [String(port), '--name', 'chaos'], 200, 5_000);
  });

  it('with a random id: the resume token kept in the data directory brings the same URL back', async () => {
    await killSendRestart((port) => [String(port)], 50, 1_000);
  });
});
