// Dead connections are noticed on both sides: the relay drops a client that stops answering pings, and the
// client reconnects when the relay stops pinging.

import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createRelay } from '../relay-server/relay.js';
import { CONNECT_PATH, decode, encode, MessageType } from '../src/protocol.js';
import { TunnelClient, type ConnectionStatus } from '../src/tunnel/tunnel-client.js';
import { waitFor } from './helpers/http.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('heartbeat', () => {
  it('the relay drops a client that stops answering pings', async () => {
    const relay = createRelay({ port: 0, host: '127.0.0.1', limits: { heartbeatIntervalMs: 30, heartbeatTimeoutMs: 90 } });
    const url = await relay.start();
    cleanups.push(() => relay.close());
    // autoPong off: this client hears pings and never answers, like a laptop that went to sleep.
    const ws = new WebSocket(url.replace('http', 'ws') + CONNECT_PATH, { autoPong: false });
    cleanups.push(() => ws.terminate());
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(encode(MessageType.Hello, 0, { version: 1, timeoutMs: 1000 }));
    const welcome = decode((await new Promise((resolve) => ws.once('message', resolve))) as Buffer);
    expect(welcome.type).toBe(MessageType.Welcome);
    expect(relay.tunnelCount).toBe(1);
    await new Promise((resolve) => ws.once('close', resolve));
    await waitFor(() => relay.tunnelCount === 0, 'the relay to forget the silent tunnel');
  });

  it('the client reconnects when the relay stops pinging', async () => {
    // A fake relay that welcomes every client but never pings.
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    let connections = 0;
    server.on('connection', (socket) => {
      connections++;
      socket.once('message', () => socket.send(encode(MessageType.Welcome, 0, { tunnelId: 'x', url: 'http://r/t/x', resumeToken: 't', maxBodyBytes: 1 })));
    });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const client = new TunnelClient({ relayUrl: `http://127.0.0.1:${port}`, timeoutMs: 1000, retry: true, silenceTimeoutMs: 100 });
    cleanups.push(() => client.close());
    const statuses: ConnectionStatus[] = [];
    client.on('status', (status) => statuses.push(status));
    client.start();
    await waitFor(() => statuses.find((s) => s.state === 'reconnecting' && s.error?.includes('heartbeats')), 'a reconnect after silence');
    await waitFor(() => connections >= 2, 'a second connection');
  });
});
