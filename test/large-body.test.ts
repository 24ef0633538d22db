// With the relay's limit raised, a 100 MiB body streams through intact and is stored in chunks.

import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRelay, type Relay } from '../relay-server/relay.js';
import { Store } from '../src/store/store.js';
import { startListen, tempHome, type ListenProcess } from './helpers/cli.js';
import { startLocalApp, type LocalApp } from './helpers/http.js';

const home = tempHome();
let relay: Relay;
let app: LocalApp;
let listen: ListenProcess;

beforeAll(async () => {
  relay = createRelay({ port: 0, host: '127.0.0.1', limits: { maxBodyBytes: 200 * 1024 * 1024, requestTimeoutMs: 0 } });
  const relayUrl = await relay.start();
  app = await startLocalApp((_req, res) => res.end('ok'));
  listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db], home.env);
});

afterAll(async () => {
  await listen?.stop();
  await app?.close();
  await relay?.close();
  home.cleanup();
});

it('passes a 100 MiB body, generated and sent in chunks, byte for byte', async () => {
  const chunk = Buffer.alloc(1024 * 1024);
  const hash = createHash('sha256');
  const total = 100;
  const status = await new Promise<number>((resolve, reject) => {
    const url = new URL(`${listen.url}/large`);
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Length': total * chunk.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    let sent = 0;
    const write = () => {
      while (sent < total) {
        chunk.fill(sent % 251);
        hash.update(chunk);
        sent++;
        if (!req.write(Buffer.from(chunk))) return req.once('drain', write);
      }
      req.end();
    };
    write();
  });
  const expected = hash.digest('hex');
  expect(status).toBe(200);
  expect(app.received[0].body.length).toBe(total * chunk.length);
  expect(app.received[0].sha256).toBe(expected);
  const event = await listen.waitForRequest((e) => e.path === '/large', 'the large exchange');
  const store = Store.open(home.db);
  try {
    expect(store.get(event.id as number)!.requestSha256).toBe(expected);
  } finally {
    store.close();
  }
}, 60_000);
