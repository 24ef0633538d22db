// A hop on a kept-alive connection the holder closes as the head goes out (its idle timeout racing the next request):
// the holder never read it, so it is sent again on a new connection rather than taken for a node that is gone.

import http, { type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hopToNode } from '../../../relay-server/cluster/node-hop.js';
import { serveOnLoopback } from '../../helpers/http.js';

const bodyOf = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
  });

describe('hopToNode', () => {
  it('sends a hop again on a new connection when the holder closed the kept-alive one unread, and calls no node gone', async () => {
    // The holder: says "go on" and takes each hop, except a second one on its first connection, which it closes unread.
    let firstConnection: Socket | undefined;
    const taken: string[] = [];
    const holder = http.createServer();
    holder.on('checkContinue', (req, res) => {
      firstConnection ??= req.socket;
      if (taken.length > 0 && req.socket === firstConnection) return req.socket.destroy();
      res.writeContinue();
      void bodyOf(req).then((body) => {
        taken.push(body);
        res.writeHead(201).end('taken');
      });
    });
    const holderUrl = await serveOnLoopback(holder);

    const agent = new http.Agent({ keepAlive: true });
    const gone: string[] = [];
    const front = http.createServer((req, res) => {
      hopToNode(holderUrl, { req, res, tunnelId: 'on-c', headers: [['Host', 'hooks.test'], ['Content-Length', req.headers['content-length']!]], url: '/t/on-c/hook' }, {
        secret: 'cluster-secret',
        agent,
        timeoutMs: 10_000,
        onUnreachable: (why) => {
          gone.push(why);
          res.writeHead(599).end();
        },
        onAnswerOverdue: () => {},
        done: () => {},
      });
    });
    const frontUrl = await serveOnLoopback(front);

    for (const body of ['first', 'second']) {
      const answer = await fetch(`${frontUrl}/t/on-c/hook`, { method: 'POST', body });
      expect([answer.status, await answer.text()]).toEqual([201, 'taken']);
    }
    expect(taken).toEqual(['first', 'second']);
    expect(gone).toEqual([]);
    agent.destroy();
  });
});
