// Hostile tunnel clients: thousands of random, truncated and mutated frames, before and after HELLO. Each broken
// client loses its own connection with a protocol error; the relay stays up and another tunnel keeps serving.

import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encode, MessageType, PROTOCOL_VERSION } from '../../src/protocol.js';
import { send, sha256, startLocalApp, waitFor } from '../helpers/http.js';
import { connectUrl, onCleanup, openSession, startRelay } from './helpers.js';

/** mulberry32: a seeded generator, so a failure can be replayed with the printed seed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID: Buffer[] = [
  encode(MessageType.Hello, 0, { version: PROTOCOL_VERSION, timeoutMs: 1000, name: 'fuzz' }),
  encode(MessageType.Response, 1, { status: 200, headers: [['a', 'b']] }, Buffer.from('body'), true),
  encode(MessageType.ResponseBody, 2, null, Buffer.from('more'), false),
  encode(MessageType.Abort, 3, { code: 'local_error', message: 'x' }),
  encode(MessageType.Ack, 0, { deliveryId: 'd' }),
  encode(MessageType.Request, 4, { method: 'GET', path: '/', headers: [], deliveryId: 'd', receivedAt: 1, url: 'u' }),
  encode(MessageType.Welcome, 0, { tunnelId: 't', url: 'u', resumeToken: 'r', maxBodyBytes: 1 }),
  encode(MessageType.GoAway, 0, { reason: 'r', reconnect: true }),
];

/** One hostile frame: random bytes, a truncated or bit-flipped valid frame, a lying meta length, or bad meta. */
function hostileFrame(random: () => number): Buffer | string {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const valid = pick(VALID);
  switch (Math.floor(random() * 7)) {
    case 0:
      return randomBytes(Math.floor(random() * 40));
    case 1:
      return valid.subarray(0, Math.floor(random() * valid.length));
    case 2: {
      const copy = Buffer.from(valid);
      for (let i = 0; i < 3; i++) copy[Math.floor(random() * copy.length)] ^= 1 << Math.floor(random() * 8);
      return copy;
    }
    case 3: {
      const copy = Buffer.from(valid);
      copy.writeUInt32BE(pick([0xffffffff, copy.length, 2 ** 20 + 1]), 6);
      return copy;
    }
    case 4: {
      const meta = Buffer.from(pick(['{', '[]', 'null', '{"status":"x","headers":7}', '{"code":"nope","message":1}', '\u0000']));
      const frame = Buffer.alloc(10 + meta.length);
      frame[0] = pick([1, 6, 7, 8, 9, 0, 200]);
      frame.writeUInt32BE(Math.floor(random() * 3), 1);
      frame.writeUInt32BE(meta.length, 6);
      meta.copy(frame, 10);
      return frame;
    }
    case 5:
      return valid;
    default:
      return pick(['hello', '{"type":1}', '']);
  }
}

const PROTOCOL_CLOSE_CODES = [1000, 1002, 1007, 1009, 4001];

/** Opens a client, optionally says HELLO, sends `count` hostile frames, and resolves with the close code. */
async function hostileClient(url: string, random: () => number, count: number, hello: boolean): Promise<number> {
  const ws = new WebSocket(connectUrl(url), { perMessageDeflate: false });
  ws.on('error', () => {});
  onCleanup(() => ws.terminate());
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve) => ws.once('open', resolve));
  if (hello) ws.send(encode(MessageType.Hello, 0, { version: PROTOCOL_VERSION, timeoutMs: 1000 }));
  for (let i = 0; i < count && ws.readyState === ws.OPEN; i++) ws.send(hostileFrame(random));
  // Frames the relay ignores (bodies for unknown streams) leave the connection open: then we close it ourselves.
  if (ws.readyState === ws.OPEN) ws.close(1000);
  return closed;
}

/** Speaks WebSocket's upgrade by hand, then sends bytes that are not WebSocket framing at all. */
function garbageAfterUpgrade(url: string, garbage: Buffer): Promise<void> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(
        'GET /_hooktunnel/connect HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    let upgraded = false;
    socket.on('data', (data: Buffer) => {
      if (!upgraded && data.toString('latin1').startsWith('HTTP/1.1 101')) {
        upgraded = true;
        socket.write(garbage);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => (upgraded ? resolve() : reject(new Error('the upgrade did not complete'))));
  });
}

describe('fuzzed frames', () => {
  it('close only the broken client, thousands of times, while another tunnel keeps serving', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const random = generator(seed);
    const { url, relay } = await startRelay({ limits: { maxPendingPerIp: 1000 } });
    const app = await startLocalApp((_req, res, body) => res.end(sha256(body)));
    onCleanup(() => app.close());
    const good = await openSession(url, app.port, { name: 'good' });
    const stillServing = async () => {
      const body = randomBytes(1000);
      const reply = await send(`${good.welcome!.url}/ping`, { body });
      expect(reply.status, `seed ${seed}`).toBe(200);
      expect(reply.body.toString()).toBe(sha256(body));
    };

    let frames = 0;
    for (let round = 0; round < 200; round++) {
      const hello = round % 4 !== 0;
      const count = 1 + Math.floor(random() * 30);
      const code = await hostileClient(url, random, count, hello);
      frames += count;
      expect(PROTOCOL_CLOSE_CODES, `seed ${seed}, round ${round}: close code ${code}`).toContain(code);
      if (round % 25 === 0) await stillServing();
    }
    for (let i = 0; i < 20; i++) await garbageAfterUpgrade(url, randomBytes(1 + Math.floor(random() * 200)));

    expect(frames).toBeGreaterThan(2000);
    await stillServing();
    // Every hostile tunnel is gone; only the good one is left.
    await waitFor(() => relay.tunnelCount === 1, 'hostile tunnels to be closed');
  });
});
