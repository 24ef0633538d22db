// The answer deadline of a hop, against fake holders on loopback: a holder that takes the body and never answers is
// timed out with nothing left behind (its connection closed, the deadline list empty); one whose answer head came in
// time keeps streaming its body past the deadline.

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hopToNode } from '../../../relay-server/cluster/node-hop.js';
import { DeadlineList } from '../../../relay-server/deadline-list.js';
import { send, serveOnLoopback, waitFor } from '../../helpers/http.js';

/** A holder that says "go on", reads each body whole, then does what `answer` does with it. */
async function holder(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = http.createServer();
  server.on('checkContinue', (req, res) => {
    res.writeContinue();
    req.resume().on('end', () => answer(req, res));
  });
  return serveOnLoopback(server);
}

interface Outcome {
  ok: boolean;
  overdue?: number;
}

/** The node a sender reached: every request hops to `holderUrl` with `clock` as its answer deadline. */
async function front(holderUrl: string, clock: DeadlineList, outcomes: Outcome[]): Promise<string> {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const outcome: Outcome = { ok: false };
    // A chunked body stays chunked: hopToNode adds its Transfer-Encoding.
    const length: [string, string][] = req.headers['content-length'] ? [['Content-Length', req.headers['content-length']]] : [];
    hopToNode(holderUrl, { req, res, tunnelId: 'on-c', headers: [['Host', 'hooks.test'], ...length], url: '/t/on-c/hook' }, {
      secret: 'cluster-secret',
      agent,
      timeoutMs: 10_000,
      answerClock: clock,
      onUnreachable: () => res.writeHead(599).end(),
      onAnswerOverdue: (seconds) => (outcome.overdue = seconds),
      done: ({ ok }) => outcomes.push({ ...outcome, ok }),
    });
  });
  server.on('close', () => agent.destroy());
  return serveOnLoopback(server);
}

describe('a hop\'s answer deadline', () => {
  it('answers 504 local_timeout for a holder that took the body and never answers, and closes the connection to it', async () => {
    const holderGone: string[] = [];
    const holderUrl = await holder((req) => req.socket.once('close', () => holderGone.push('closed')));
    const clock = new DeadlineList(200);
    const outcomes: Outcome[] = [];
    const frontUrl = await front(holderUrl, clock, outcomes);

    const reply = await send(`${frontUrl}/t/on-c/hook`, { body: 'taken', headers: ['Accept', 'application/json'] });
    expect([reply.status, reply.headers['x-hooktunnel-error']]).toEqual([504, 'local_timeout']);
    expect(JSON.parse(reply.body.toString()).error.message).toBe('no answer came back within 0.2 s: the relay node holding tunnel on-c took the request and stopped responding');
    // Not handed back to the agent for the next hop: the holder sees its connection go.
    await waitFor(() => holderGone.length === 1, 'the holder\'s connection to close');
    expect(outcomes).toEqual([{ ok: false, overdue: 0.2 }]);
    expect(clock.isEmpty).toBe(true);
  });

  it('lets an answer whose head came in time stream its body past the deadline', async () => {
    // The first request's answer starts at once and ends only after a second request, hopped later on the same
    // clock, was timed out: by then the first one's deadline has passed too (one duration, arrival order).
    let finishFirst: (() => void) | undefined;
    const holderUrl = await holder((req, res) => {
      if (req.url !== '/first') return;
      res.writeHead(200, { 'Content-Type': 'text/plain' }).write('head in time, ');
      finishFirst = () => res.end('body after the deadline');
    });
    const clock = new DeadlineList(200);
    const outcomes: Outcome[] = [];
    const frontUrl = await front(holderUrl, clock, outcomes);

    const first = send(`${frontUrl}/first`, { body: 'one' });
    await waitFor(() => finishFirst, 'the first answer to start');
    const second = await send(`${frontUrl}/second`, { body: 'two' });
    expect(second.status).toBe(504);
    finishFirst!();
    const reply = await first;
    expect([reply.status, reply.body.toString()]).toEqual([200, 'head in time, body after the deadline']);
    expect(outcomes).toEqual([{ ok: false, overdue: 0.2 }, { ok: true }]);
  });
});
