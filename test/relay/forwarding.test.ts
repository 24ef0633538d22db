// What the relay forwards into a tunnel: the request head exactly (hop-by-hop and X-Forwarded-* rules), and bodies in frames.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { BODY_CHUNK_BYTES, encode, MessageType, type Message } from '../../src/protocol.js';
import { send, waitFor } from '../helpers/http.js';
import { rawClient, startRelay } from './helpers.js';

describe('the request head a relay forwards', () => {
  const sent = [
    'Host', 'hooks.example.com',
    'X-Forwarded-For', '203.0.113.9',
    'x-forwarded-for', '198.51.100.7',
    'Connection', 'keep-alive, X-Drop-Me',
    'X-Drop-Me', 'secret',
    'X-Keep', 'a',
    'x-keep', 'b',
    'X-Forwarded-Proto', 'https',
    'X-FORWARDED-HOST', 'public.example',
    'TE', 'trailers',
    'X-Hooktunnel-Error', 'fake',
    'Content-Length', '1',
  ];
  const kept = [['Host', 'hooks.example.com'], ['X-Keep', 'a'], ['x-keep', 'b']];

  it('keeps order, case and duplicates, drops hop-by-hop headers and those Connection names, and rebuilds X-Forwarded-*', async () => {
    for (const { trustProxy, headers, url } of [
      {
        trustProxy: ['127.0.0.1'],
        headers: [...kept, ['X-Forwarded-Proto', 'https'], ['X-FORWARDED-HOST', 'public.example'], ['Content-Length', '1'],
          ['X-Forwarded-For', '203.0.113.9, 198.51.100.7, 127.0.0.1']],
        url: /^https:\/\/hooks\.example\.com\/t\/[a-z2-7]{13}\/h\?q=1$/,
      },
      {
        trustProxy: [],
        headers: [...kept, ['Content-Length', '1'], ['X-Forwarded-For', '127.0.0.1'], ['X-Forwarded-Proto', 'http'], ['X-Forwarded-Host', 'hooks.example.com']],
        url: /^http:\/\/hooks\.example\.com\/t\/[a-z2-7]{13}\/h\?q=1$/,
      },
    ]) {
      const relay = await startRelay({ trustProxy });
      const client = await rawClient(relay.url, { hello: {} });
      const welcome = (await client.next(MessageType.Welcome)) as Extract<Message, { type: MessageType.Welcome }>;
      const reply = send(`${welcome.meta.url}/h?q=1`, { headers: sent, body: 'x' });
      const request = (await client.next(MessageType.Request)) as Extract<Message, { type: MessageType.Request }>;
      expect(request.meta.headers).toEqual(headers);
      expect(request.meta.url).toMatch(url);
      expect(request.meta.path).toBe('/h?q=1');
      expect([request.end, request.body.toString()]).toEqual([true, 'x']);
      client.ws.send(encode(MessageType.Response, request.stream, { status: 200, headers: [['Connection', 'close'], ['X-App', '1']] }, Buffer.alloc(0), true));
      const answer = await reply;
      expect(answer.status).toBe(200);
      expect(answer.headers['x-app']).toBe('1');
    }
  });
});

describe('a large request body through the relay', () => {
  it.each([
    ['with Content-Length', true],
    ['chunked', false],
  ])('arrives %s byte for byte, in frames of at most BODY_CHUNK_BYTES, the end flag on the last one only', async (_how, withLength) => {
    const { url } = await startRelay();
    const client = await rawClient(url, { hello: {} });
    const welcome = (await client.next(MessageType.Welcome)) as Extract<Message, { type: MessageType.Welcome }>;
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const target = new URL(`${welcome.meta.url}/big`);
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false, headers: withLength ? { 'Content-Length': body.length } : {} });
    req.on('error', () => {});
    // Written in pieces, as a sender on a slow link would.
    for (let offset = 0; offset < body.length; offset += 100_000) req.write(body.subarray(offset, offset + 100_000));
    req.end();
    const frames = () => client.messages.filter((m) => m.type === MessageType.Request || m.type === MessageType.RequestBody) as Extract<Message, { body: Buffer; end: boolean }>[];
    await waitFor(() => frames().some((m) => m.end), 'the end of the body');
    const got = frames();
    expect(got[0].type).toBe(MessageType.Request);
    expect(got.every((m) => m.body.length <= BODY_CHUNK_BYTES)).toBe(true);
    expect(got.map((m) => m.end)).toEqual([...got.slice(1).map(() => false), true]);
    expect(Buffer.concat(got.map((m) => m.body)).equals(body)).toBe(true);
  });
});
