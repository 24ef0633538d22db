// The relay's durable queue through a real relay and raw clients: 202 while away, limits crossed by one, ACK-only
// deletion, redelivery of what was not acknowledged, acknowledge mode, and the clean error when a body was not kept.

import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QueueSettings } from '../../relay-server/delivery-queue.js';
import { encode, MessageType, type Message } from '../../src/protocol.js';
import { RelayDb } from '../../src/relay-state/relay-db.js';
import { send, waitFor } from '../helpers/http.js';
import { onCleanup, rawClient, rawHttp, startRelay, type RawClient } from './helpers.js';

function relayState(): RelayDb {
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-queue-'));
  const db = RelayDb.open(dir);
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  onCleanup(() => db.close());
  return db;
}

async function queueingRelay(settings: Partial<QueueSettings> = {}, db = relayState()) {
  const queue = db.deliveryQueue();
  const { relay, url } = await startRelay({ queue, queueSettings: settings, resume: db.resumeStore() });
  return { relay, url, queue, db };
}

/** Connects as `name`, then leaves: the name is known, its client away. */
async function knownAndAway(url: string, name: string): Promise<void> {
  const client = await rawClient(url, { hello: { name } });
  await client.next(MessageType.Welcome);
  client.ws.close();
  await client.closed;
}

/** A raw sender that writes `head` and keeps its connection; `saw` waits until the reply so far contains `text`. */
function sender(url: string, head: string) {
  const socket = net.connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(head));
  let reply = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (reply += chunk));
  socket.on('error', () => {});
  onCleanup(() => socket.destroy());
  return { socket, saw: (text: string) => waitFor(() => reply.includes(text) && reply, `"${text}" in the reply`) };
}

const requests = (client: RawClient) =>
  client.messages.filter((m): m is Extract<Message, { type: MessageType.Request }> => m.type === MessageType.Request);

describe('while the client is away', () => {
  it('answers 202 with a delivery id, then delivers in arrival order, marked late, and forgets each only on its ACK', async () => {
    const { url, queue } = await queueingRelay();
    await knownAndAway(url, 'away');
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const reply = await send(`${url}/t/away/hook?n=${n}`, { body: `body ${n}` });
      expect(reply.status).toBe(202);
      expect(reply.body.toString()).toBe('{"queued":true}');
      ids.push(String(reply.headers['x-hooktunnel-delivery']));
    }
    expect(queue.usage('away')).toEqual({ count: 3, bytes: 18 });

    const client = await rawClient(url, { hello: { name: 'away' } });
    await waitFor(() => requests(client).length === 3, 'three deliveries');
    const delivered = requests(client);
    expect(delivered.map((m) => m.meta.deliveryId)).toEqual(ids);
    expect(delivered.map((m) => m.body.toString())).toEqual(['body 1', 'body 2', 'body 3']);
    expect(delivered.every((m) => m.end && m.meta.queued?.reason === 'offline' && m.meta.queued.status === 202)).toBe(true);
    expect(delivered.every((m) => (m.meta.queued?.lateByMs ?? -1) >= 0)).toBe(true);

    client.ws.send(encode(MessageType.Ack, 0, { deliveryId: ids[1] }));
    await waitFor(() => queue.usage('away').count === 2, 'the ACK to delete one');
    expect(queue.pending('away', 0, 10).map((d) => d.deliveryId)).toEqual([ids[0], ids[2]]);

    // What was not acknowledged comes again on the next connection, in order.
    client.ws.close();
    await client.closed;
    const again = await rawClient(url, { hello: { name: 'away' } });
    await waitFor(() => requests(again).length === 2, 'the redelivery');
    expect(requests(again).map((m) => m.meta.deliveryId)).toEqual([ids[0], ids[2]]);
  });

  it('refuses one request over the count limit and one byte over the byte limit with 503 queue_full and Retry-After', async () => {
    const { url } = await queueingRelay({ maxCount: 2, maxBytes: 10 });
    await knownAndAway(url, 'full');
    expect((await send(`${url}/t/full/a`, { body: '12345' })).status).toBe(202);
    const overBytes = await send(`${url}/t/full/b`, { body: '123456' });
    expect(overBytes.status).toBe(503);
    expect(overBytes.headers['x-hooktunnel-error']).toBe('queue_full');
    expect(overBytes.headers['retry-after']).toBe('60');
    expect(overBytes.body.toString()).toBe('tunnel full would hold more than 10 bytes of queued requests\nThe relay cannot hold more requests for this tunnel right now; retry after Retry-After seconds.\n');
    expect((await send(`${url}/t/full/c`, { body: '12345' })).status).toBe(202);
    const overCount = await send(`${url}/t/full/d`, { body: '' });
    expect(overCount.status).toBe(503);
    expect(overCount.headers['x-hooktunnel-error']).toBe('queue_full');
  });

  it('counts bodies still arriving against those limits: senders at once cannot make it hold more than the queue takes', async () => {
    const { url, queue } = await queueingRelay({ maxCount: 3, maxBytes: 1000 });
    await knownAndAway(url, 'busy');
    // Each sender asks for 100-continue: once it is told to go on, the relay has taken its head into the queue's intake.
    const a = sender(url, 'POST /t/busy/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 600\r\nExpect: 100-continue\r\n\r\n');
    await a.saw('100 Continue');
    a.socket.write('a'.repeat(500));
    // A chunked sender declares nothing: it is refused once the bytes arriving from both would pass --queue-max-bytes.
    const b = sender(url, 'POST /t/busy/b HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n');
    await b.saw('100 Continue');
    b.socket.write(`258\r\n${'b'.repeat(600)}\r\n`);
    expect(await b.saw('queue_full')).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 503 /);
    // One that declares more than is left is refused before its body is read.
    const c = await send(`${url}/t/busy/c`, { body: 'c'.repeat(501) });
    expect([c.status, c.headers['x-hooktunnel-error']]).toEqual([503, 'queue_full']);
    // With one request arriving and two stored, the count is reached too.
    for (const n of [1, 2]) expect((await send(`${url}/t/busy/n${n}`, { body: 'n' })).status).toBe(202);
    const d = await send(`${url}/t/busy/d`, { body: '' });
    expect([d.status, d.headers['x-hooktunnel-error']]).toEqual([503, 'queue_full']);
    // The first finishes and is stored; nothing a refused sender sent was kept.
    a.socket.end('a'.repeat(100));
    expect(await a.saw('202 Accepted')).toMatch(/\r\n\r\n\{"queued":true\}$/);
    expect(queue.usage('busy')).toEqual({ count: 3, bytes: 602 });
  });

  it('keeps queued requests and resume tokens across a relay restart on the same state', async () => {
    const db = relayState();
    const first = await queueingRelay({}, db);
    const client = await rawClient(first.url, { hello: {} });
    const welcome = (await client.next(MessageType.Welcome)) as Extract<Message, { type: MessageType.Welcome }>;
    await first.relay.close();

    const second = await queueingRelay({}, db);
    const path = `/t/${welcome.meta.tunnelId}/late`;
    expect((await send(`${second.url}${path}`, { body: 'kept' })).status).toBe(202);
    const back = await rawClient(second.url, { hello: { resumeToken: welcome.meta.resumeToken } });
    const again = (await back.next(MessageType.Welcome)) as Extract<Message, { type: MessageType.Welcome }>;
    expect(again.meta.tunnelId).toBe(welcome.meta.tunnelId);
    await waitFor(() => requests(back).length === 1, 'the queued request');
    expect(requests(back)[0].body.toString()).toBe('kept');
  });

  it('answers 503 tunnel_offline as before when the relay has no queue', async () => {
    const { url } = await startRelay();
    await knownAndAway(url, 'plain');
    const reply = await send(`${url}/t/plain/x`, { body: 'x' });
    expect(reply.status).toBe(503);
    expect(reply.headers['x-hooktunnel-error']).toBe('tunnel_offline');
  });
});

describe('acknowledge mode', () => {
  it('answers the client\'s own status and body at once for its paths, and queues the request for it', async () => {
    const { url, queue } = await queueingRelay();
    const client = await rawClient(url, { hello: { name: 'acked', ack: { paths: ['/stripe'], status: 200, body: '{"received":true}' } } });
    await client.next(MessageType.Welcome);
    const reply = await send(`${url}/t/acked/stripe/events`, { body: 'evt' });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('{"received":true}');
    await waitFor(() => requests(client).length === 1, 'the delivery');
    const [delivery] = requests(client);
    expect(delivery.meta.queued).toEqual({ reason: 'ack', status: 200, body: '{"received":true}' });
    expect(queue.usage('acked').count).toBe(1);
    client.ws.send(encode(MessageType.Ack, 0, { deliveryId: delivery.meta.deliveryId }));
    await waitFor(() => queue.usage('acked').count === 0, 'the ACK');
    // Paths outside --ack-path go through live: the sender waits for the client's answer.
    void send(`${url}/t/acked/stripes`, { body: 'live' }).catch(() => {});
    await waitFor(() => requests(client).length === 2, 'the live request');
    expect(requests(client)[1].meta.queued).toBeUndefined();
  });

  it('while the client is away, answers its own status for its paths and the relay\'s 202 for the others', async () => {
    const { url } = await queueingRelay();
    const client = await rawClient(url, { hello: { name: 'gone', ack: { paths: ['/stripe'], status: 204, body: '' } } });
    await client.next(MessageType.Welcome);
    client.ws.close();
    await client.closed;
    const acked = await send(`${url}/t/gone/stripe?evt=1`, { body: 'evt' });
    expect([acked.status, acked.body.length]).toEqual([204, 0]);
    const other = await send(`${url}/t/gone/github`, { body: 'push' });
    expect([other.status, other.body.toString()]).toEqual([202, '{"queued":true}']);

    const back = await rawClient(url, { hello: { name: 'gone' } });
    await waitFor(() => requests(back).length === 2, 'both deliveries');
    expect(requests(back).map((m) => [m.meta.path, m.meta.queued?.reason, m.meta.queued?.status])).toEqual([
      ['/stripe?evt=1', 'ack', 204],
      ['/github', 'offline', 202],
    ]);
  });

  it('answers a 204 or 205 without content, whatever body the client asked for, and refuses a status that is not 2xx', async () => {
    const { url } = await queueingRelay();
    for (const status of [204, 205]) {
      const client = await rawClient(url, { hello: { name: `ack${status}`, ack: { paths: [], status, body: '{"received":true}' } } });
      await client.next(MessageType.Welcome);
      const reply = await rawHttp(url, `POST /t/ack${status}/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx`);
      const [head, body] = reply.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(head).toMatch(/\r\nx-hooktunnel-delivery: /i);
      expect(head).not.toMatch(/\r\ncontent-type:/i);
      expect(head.match(/\r\ncontent-length: \d+/gi) ?? []).toEqual(status === 205 ? ['\r\nContent-Length: 0'] : []);
      expect(body).toBe('');
    }
    for (const status of [100, 101, 302, 500]) {
      const client = await rawClient(url, { hello: { ack: { paths: [], status, body: '' } } });
      expect(await client.next(MessageType.Refused)).toMatchObject({ meta: { code: 'protocol_error', message: expect.stringContaining('"ack.status" must be a 2xx status code'), fatal: true } });
    }
  });

  it('is refused (fatal) by a relay without a queue', async () => {
    const { url } = await startRelay();
    const client = await rawClient(url, { hello: { ack: { paths: [], status: 200, body: '' } } });
    const refused = await client.next(MessageType.Refused);
    expect(refused).toMatchObject({ meta: { code: 'queue_unavailable', fatal: true } });
  });
});

describe('a tunnel that drops mid-request', () => {
  it('queues a request whose body arrived whole and answers its waiting sender 202', async () => {
    const { url, queue } = await queueingRelay();
    const client = await rawClient(url, { hello: { name: 'drop' } });
    await client.next(MessageType.Welcome);
    const reply = send(`${url}/t/drop/x`, { body: 'whole' });
    await waitFor(() => requests(client).length === 1, 'the live request');
    client.ws.terminate();
    expect((await reply).status).toBe(202);
    expect(queue.pending('drop', 0, 10).map((d) => [d.deliveryId, d.body.toString()])).toEqual([[requests(client)[0].meta.deliveryId, 'whole']]);
  });

  it('fails cleanly (502) when the relay had no memory left to keep the body', async () => {
    const { url, queue } = await queueingRelay({ keepBodiesBytes: 0 });
    const client = await rawClient(url, { hello: { name: 'nokeep' } });
    await client.next(MessageType.Welcome);
    const reply = send(`${url}/t/nokeep/x`, { body: 'whole' });
    await waitFor(() => requests(client).length === 1, 'the live request');
    client.ws.terminate();
    const answer = await reply;
    expect(answer.status).toBe(502);
    expect(answer.headers['x-hooktunnel-error']).toBe('tunnel_disconnected');
    expect(queue.usage('nokeep').count).toBe(0);
  });
});

// listen stopping hands back what arrives after its signal with a client Abort tunnel_disconnected: not delivered.
describe('a request the client hands back undelivered (Abort tunnel_disconnected)', () => {
  it('is queued once its body is all here, its sender told 202, and sent to the client as a queued delivery', async () => {
    const { url, queue } = await queueingRelay();
    const client = await rawClient(url, { hello: { name: 'leaving' } });
    await client.next(MessageType.Welcome);
    const raw = sender(url, 'POST /t/leaving/x HTTP/1.1\r\nHost: relay\r\nContent-Length: 10\r\n\r\nfirst');
    await waitFor(() => requests(client).length === 1, 'the live request');
    const live = requests(client)[0];
    client.ws.send(encode(MessageType.Abort, live.stream, { code: 'tunnel_disconnected', message: 'listen is stopping' }));
    // The rest of the body still arrives after the Abort: the queue takes the whole of it.
    raw.socket.write('-rest');
    await raw.saw('HTTP/1.1 202');
    expect(queue.pending('leaving', 0, 10).map((d) => [d.deliveryId, d.body.toString()])).toEqual([[live.meta.deliveryId, 'first-rest']]);
    // The connection is still the client's: the queue's pump sends it the delivery, which it may leave unacknowledged.
    await waitFor(() => requests(client).length === 2, 'the queued delivery');
    expect(requests(client)[1].meta).toMatchObject({ deliveryId: live.meta.deliveryId, queued: { reason: 'offline' } });
  });

  it('is answered 502 tunnel_disconnected with Retry-After by a relay without a queue, and the tunnel stays open', async () => {
    const { url } = await startRelay();
    const client = await rawClient(url, { hello: { name: 'leaving-noqueue' } });
    await client.next(MessageType.Welcome);
    const reply = send(`${url}/t/leaving-noqueue/x`, { body: 'whole' });
    await waitFor(() => requests(client).length === 1, 'the live request');
    client.ws.send(encode(MessageType.Abort, requests(client)[0].stream, { code: 'tunnel_disconnected', message: 'listen is stopping' }));
    const answer = await reply;
    expect([answer.status, answer.headers['x-hooktunnel-error']]).toEqual([502, 'tunnel_disconnected']);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    void send(`${url}/t/leaving-noqueue/next`, { body: 'next' }).catch(() => {});
    await waitFor(() => requests(client).length === 2, 'the next request, through the same connection');
  });
});
