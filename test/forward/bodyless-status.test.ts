// A 304 may carry the Content-Length a 200 would have had (RFC 9110 8.6), and some apps send one on a 204 too; neither
// has a body. Through the real relay and the real CLI, the sender gets the app's answer, and it is recorded complete.

import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../../relay-server/relay.js';
import { Forwarder } from '../../src/forward/forwarder.js';
import { parseTarget } from '../../src/forward/target.js';
import { startListen, tempHome, type ListenProcess } from '../helpers/cli.js';
import { send } from '../helpers/http.js';

// Written as raw bytes: node:http would not send these heads as they are.
const ANSWERS: Record<string, string> = {
  '/not-modified': 'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 5\r\n\r\n',
  '/no-content': 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n',
};

let app: net.Server;
let appPort: number;
let relay: Relay;
let listen: ListenProcess;
const home = tempHome();

beforeAll(async () => {
  // Answers each request on its keep-alive connection once the head (and a Content-Length body) is in.
  app = net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = pending.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (pending.length < end + 4 + length) return;
      pending = pending.subarray(end + 4 + length);
      const path = head.split(' ')[1];
      socket.write(ANSWERS[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appPort = (app.address() as AddressInfo).port;
  relay = createRelay({ port: 0, host: '127.0.0.1' });
  const relayUrl = await relay.start();
  listen = await startListen([`127.0.0.1:${appPort}`, '--relay', relayUrl, '--db', home.db, '--no-web'], home.env);
});

afterAll(async () => {
  await listen?.stop();
  await relay?.close();
  await new Promise((resolve) => app.close(resolve));
  home.cleanup();
});

describe('answers that have no body whatever their Content-Length says', () => {
  it.each([
    ['/not-modified', 304],
    ['/no-content', 204],
  ])('%s: the sender gets %i, recorded complete', async (path, status) => {
    const reply = await send(`${listen.url}${path}`, { method: 'GET' });
    expect(reply.status).toBe(status);
    expect(reply.headers['x-hooktunnel-error']).toBeUndefined();
    expect(reply.body.length).toBe(0);
    const event = await listen.waitForRequest((e) => e.path === path, `the ${path} exchange`);
    expect(event).toMatchObject({ status, state: 'complete', error: null });
  });

  it('the forwarder ends such an answer instead of failing it (replay and retry use it too)', async () => {
    const forwarder = new Forwarder(parseTarget(`127.0.0.1:${appPort}`), { timeoutMs: 5000, hostHeader: 'rewrite' });
    try {
      const outcome = await new Promise<{ status?: number; error?: string }>((resolve) => {
        let status: number | undefined;
        forwarder.forward(
          { method: 'GET', path: '/not-modified', headers: [['If-None-Match', '"v1"']], body: Buffer.alloc(0) },
          {
            onResponse: (s) => (status = s),
            onData: () => {},
            onEnd: () => resolve({ status }),
            onError: (code) => resolve({ status, error: code }),
          },
        );
      });
      expect(outcome).toEqual({ status: 304 });
    } finally {
      forwarder.close();
    }
  });
});
