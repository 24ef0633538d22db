// A hostile (or broken) tunnel client's answers: whatever it sends, the sender's connection carries one well-framed
// HTTP response or is cut, never bytes a keep-alive connection (or a proxy pooling it) would read as another response.

import { describe, expect, it } from 'vitest';
import { encode, MessageType, type HeaderPairs, type Message } from '../../src/protocol.js';
import { waitFor } from '../helpers/http.js';
import { rawClient, rawHttp, startRelay, type RawClient } from './helpers.js';

type RequestMessage = Extract<Message, { type: MessageType.Request }>;

/** A relay with a raw client on tunnel "t"; `ask` sends one keep-alive request and lets `answer` reply to it. */
async function tunnel() {
  const { url } = await startRelay();
  const client = await rawClient(url, { hello: { name: 't' } });
  await client.next(MessageType.Welcome);
  let seen = 0;
  const ask = async (answer: (request: RequestMessage) => void, head = 'GET /t/t/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n') => {
    // Kept alive: the relay must close it itself when the answer cannot be framed.
    const reply = rawHttp(url, head);
    const request = await waitFor(() => client.messages.filter((m) => m.type === MessageType.Request)[seen] as RequestMessage | undefined, 'the request');
    seen++;
    answer(request);
    return { reply: await reply, request };
  };
  return { client, ask };
}

const respond = (client: RawClient, request: RequestMessage, status: number, headers: HeaderPairs, body: string) =>
  client.ws.send(encode(MessageType.Response, request.stream, { status, headers }, Buffer.from(body), true));

const abortOf = (client: RawClient, stream: number) =>
  waitFor(() => client.messages.find((m) => m.type === MessageType.Abort && m.stream === stream), 'the relay to abort the stream');

describe('a response that does not match its Content-Length', () => {
  it('longer: the sender gets the declared bytes only and a closed connection, never the extra bytes as a response', async () => {
    const { client, ask } = await tunnel();
    const injected = 'HTTP/1.1 200 OK\r\nX-Injected: 1\r\nContent-Length: 0\r\n\r\n';
    const { reply, request } = await ask((r) => respond(client, r, 200, [['Content-Length', '5']], `hello${injected}`));
    expect(reply).not.toContain('X-Injected');
    expect(await abortOf(client, request.stream)).toMatchObject({ meta: { code: 'local_error' } });
  });

  it('shorter: the connection is cut instead of left waiting for bytes that never come', async () => {
    const { client, ask } = await tunnel();
    // rawHttp resolves once the relay closed the connection; what reached the sender before that is no whole answer.
    const { reply, request } = await ask((r) => respond(client, r, 200, [['Content-Length', '100']], 'short'));
    expect(reply).not.toMatch(/\r\n\r\nshort$/);
    expect(await abortOf(client, request.stream)).toMatchObject({ meta: { code: 'local_error' } });
  });

  it('two different values, or one that is not a number: 502 local_error before anything is sent', async () => {
    const { client, ask } = await tunnel();
    for (const headers of [[['Content-Length', '2'], ['content-length', '7']], [['Content-Length', '-1']], [['Content-Length', '0x2']]] as HeaderPairs[]) {
      const { reply } = await ask((r) => respond(client, r, 200, headers, 'ok'), 'GET /t/t/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      expect(reply).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
      expect(reply).toMatch(/x-hooktunnel-error: local_error/i);
    }
  });

  it('still passes what HTTP allows: the same value repeated, and a HEAD answer that declares a length without a body', async () => {
    const { client, ask } = await tunnel();
    const close = 'Host: 127.0.0.1\r\nConnection: close\r\n\r\n';
    const same = await ask((r) => respond(client, r, 200, [['Content-Length', '2'], ['content-length', '2']], 'ok'), `GET /t/t/x HTTP/1.1\r\n${close}`);
    expect(same.reply).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/);
    const head = await ask((r) => respond(client, r, 200, [['Content-Length', '1234']], ''), `HEAD /t/t/x HTTP/1.1\r\n${close}`);
    expect(head.reply).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 1234\r\n[^]*\r\n\r\n$/);
    expect(client.messages.filter((m) => m.type === MessageType.Abort)).toEqual([]);
  });
});

describe('a response the relay cannot pass on', () => {
  it('an interim status (100, 101) as the answer: 502 local_error, not a sender left waiting or switched to another protocol', async () => {
    const { client, ask } = await tunnel();
    for (const status of [100, 101, 199]) {
      const { reply, request } = await ask((r) => respond(client, r, status, [['Upgrade', 'websocket']], ''), 'GET /t/t/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      expect(reply).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
      expect(reply).toMatch(/x-hooktunnel-error: local_error/i);
      expect(await abortOf(client, request.stream)).toMatchObject({ meta: { code: 'local_error', message: expect.stringContaining(`${status}`) } });
    }
  });

  it('a header value with CR/LF: 502 local_error with its own reason phrase', async () => {
    const { client, ask } = await tunnel();
    const { reply } = await ask((r) => respond(client, r, 200, [['X-A', 'a\r\nX-Injected: 1']], 'x'), 'GET /t/t/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(reply).not.toContain('X-Injected');
  });
});
