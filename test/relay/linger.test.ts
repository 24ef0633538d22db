// A refused request whose body is still arriving is drained (lingering close) on a connection the sender keeps alive:
// once the body is in, the connection is the sender's again, with nothing of the refusal left on it.

import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { send, startLocalApp } from '../helpers/http.js';
import { onCleanup, openSession, rawHttp, startRelay } from './helpers.js';

describe('lingering close on a kept-alive connection', () => {
  it('leaves no listener behind per refused request (a proxy reuses one connection for thousands)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warning.name === 'MaxListenersExceededWarning' && warnings.push(warning);
    process.on('warning', onWarning);
    onCleanup(() => process.off('warning', onWarning));
    const { url } = await startRelay();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    onCleanup(() => agent.destroy());
    const sockets = new Set<unknown>();
    agent.on('free', (socket) => sockets.add(socket));
    for (let i = 0; i < 15; i++) {
      const reply = await send(`${url}/t/nobody-here/hook`, { body: `webhook ${i}`, agent });
      expect(reply.headers['x-hooktunnel-error']).toBe('tunnel_not_found');
    }
    expect(sockets.size).toBe(1);
    // Node emits the warning on the next tick after the listener that crosses its limit is added.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((warning) => warning.message)).toEqual([]);
  });

  it('answers the next request on the connection as its own (a 408 for its stalled body, not a cut connection)', async () => {
    const local = await startLocalApp();
    onCleanup(() => local.close());
    const { url } = await startRelay({ limits: { requestTimeoutMs: 400, headersTimeoutMs: 400 } });
    await openSession(url, local.port, { name: 't' });
    const refused = 'POST /t/nobody-here/hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello';
    // To a live tunnel, which waits for the body: it never comes whole, so the relay owes this request a 408.
    const stalled = 'POST /t/t/hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nhalf';
    const reply = await rawHttp(url, refused + stalled);
    expect(reply).toMatch(/^HTTP\/1\.1 404 /);
    expect(reply).toMatch(/\r\n\r\n[^]*HTTP\/1\.1 408 [^]*x-hooktunnel-error: request_timeout/i);
  });
});
