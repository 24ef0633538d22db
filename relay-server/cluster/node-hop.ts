// The hop between nodes: a public request that reached a node not holding its tunnel is streamed (never buffered)
// to the node that holds it, with the cluster secret, and the answer streamed back. A hop is never hopped again.

import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HeaderPairs } from '../../src/protocol.js';
import { stripHopByHop, toFlat, toPairs } from '../../src/http-headers.js';
import type { Deadline, DeadlineList } from '../deadline-list.js';
import { sendError } from '../error-page.js';
import { HOP_EXPECT_HEADER, HOP_HEADER, HOP_URL_HEADER } from './cluster-options.js';

/** What the first node computed for a request it passed on: the holder uses it as-is. */
export interface Hop {
  headers: HeaderPairs;
  url: string;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Recognises a request another node passed on: a Hop, 'forged' for a wrong secret, undefined for a public request. */
export function inboundHop(req: IncomingMessage, secretDigest: Buffer): Hop | 'forged' | undefined {
  const presented = req.headers[HOP_HEADER];
  if (presented === undefined) return undefined;
  if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), secretDigest)) return 'forged';
  // The passing node's own Expect goes with its marker: the client records the headers the sender sent.
  const nodeExpects = req.headers[HOP_EXPECT_HEADER] !== undefined;
  const headers = stripHopByHop(toPairs(req.rawHeaders)).filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== HOP_HEADER && lower !== HOP_URL_HEADER && lower !== HOP_EXPECT_HEADER && !(nodeExpects && lower === 'expect');
  });
  return { headers, url: String(req.headers[HOP_URL_HEADER] ?? '') };
}

export interface HopRequest {
  req: IncomingMessage;
  res: ServerResponse;
  tunnelId: string;
  /** Headers as the client should get them (hop-by-hop removed, X-Forwarded-* set by this node). */
  headers: HeaderPairs;
  url: string;
}

export interface HopOptions {
  secret: string;
  agent: http.Agent;
  /** How long the holder has to take the request: to accept the connection, then to say "go on" (100 Continue). */
  timeoutMs: number;
  /**
   * The holder did not take the request (`why` says how, after "node X"): it refused or did not accept the connection,
   * or said nothing in time (frozen, or its host is gone). With `answered` false none of it can reach the client
   * through that node, and the caller answers (it may queue the request). With `answered` true the request was all
   * head, which a frozen holder may still serve when it wakes: the hop answered 502 itself, so it is not queued twice.
   */
  onUnreachable(why: string, answered: boolean): void;
  /**
   * How long the holder has to answer once it took the request (said "go on"), as HopAnswerClocks works it out from
   * the tunnel's timeout. Undefined: the hop waits as long as the holder does (its client waits forever, or the
   * holder did not say how long).
   */
  answerClock?: DeadlineList;
  /** The holder took the request and no answer head came by answerClock's deadline: the hop answered 504 itself. */
  onAnswerOverdue(seconds: number): void;
  done(outcome: { bytesIn: number; bytesOut: number; ok: boolean }): void;
}

/**
 * For a sender whose request a holder did not take: the code's own hint would blame the developer's hooktunnel. What
 * senders read never names the node (an internal address); the passing node's log does.
 */
export const HOLDER_SILENT_HINT = 'A relay node could not take the request; retry after Retry-After seconds, or shortly.';

/** For a sender whose request a holder took and then stopped responding: the app may never have seen it, or may have. */
const HOLDER_OVERDUE_HINT = 'A relay node took the request and stopped responding before an answer came back; retry.';

/**
 * Streams the request to `nodeUrl` and its answer back, with backpressure both ways (pipe). The body goes only once
 * the holder said "go on", so a holder that never does (frozen, its host gone) cannot have it, and the request can be
 * queued instead: hence `Expect: 100-continue` on every hop, which a holder answers as soon as it reads the head.
 * From then on the holder owes an answer head by the tunnel's own deadline plus a margin (answerClock), as a single
 * relay owes its sender one.
 */
export function hopToNode(nodeUrl: string, request: HopRequest, options: HopOptions): void {
  const { req, res } = request;
  const node = new URL(nodeUrl);
  const headers = toFlat(request.headers);
  // Without the sender's framing header node:http would pick one; a chunked body must stay chunked.
  if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] === undefined) headers.push('Transfer-Encoding', 'chunked');
  // A sender that asked to go on itself is answered by the holder all the same; its Expect reaches the client as sent.
  if (req.headers.expect === undefined) headers.push('Expect', '100-continue', HOP_EXPECT_HEADER, '1');
  headers.push(HOP_HEADER, options.secret, HOP_URL_HEADER, request.url);
  /** Without a body the head is the whole request: sent, the holder may serve it even though it never said "go on". */
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  let bytesIn = 0;
  let bytesOut = 0;
  let connected = false;
  let bodyStarted = false;
  /** The holder's whole answer went back to the sender. */
  let answered = false;
  let settled = false;
  const settle = (ok: boolean) => {
    if (settled) return;
    settled = true;
    clearTimeout(deadline);
    options.answerClock?.remove(answerDeadline);
    options.done({ bytesIn, bytesOut, ok });
  };
  /** This hop's link in answerClock (see DeadlineList): from the holder's "go on" until its answer's head. */
  const answerDeadline: Deadline = { dueAt: 0, prevDue: undefined, nextDue: undefined, queued: false, expire: () => answerOverdue() };

  // `path` is the raw request target, never parsed against a base: `//host/x` stays a path on the holder.
  const open = (agent: http.Agent | false) => {
    const request = http.request({
      host: node.hostname.replace(/^\[|\]$/g, ''),
      port: node.port || 80,
      method: req.method,
      path: req.url,
      headers,
      setHost: false,
      agent,
    });
    request.on('socket', onSocket);
    request.on('continue', onContinue);
    request.on('response', onResponse);
    request.on('error', onError);
    return request;
  };
  /** At most once, and only before the body went: a kept-alive connection the holder closed as the head went out. */
  let retried = false;

  /** The holder did not take the request: what the sender gets is decided by the caller, or here (see HopOptions). */
  const unreachable = (why: string) => {
    if (settled) return;
    settled = true;
    clearTimeout(deadline);
    out.destroy();
    if (connected && !hasBody) {
      const message = `the relay node holding tunnel ${request.tunnelId} ${why}; it may still serve the request, so it was not queued: retry`;
      sendError(req, res, { code: 'tunnel_disconnected', message, hint: HOLDER_SILENT_HINT }, true);
      return options.onUnreachable(why, true);
    }
    options.onUnreachable(why, false);
  };
  const seconds = options.timeoutMs / 1000;
  const deadline = setTimeout(() => unreachable(connected ? `did not answer within ${seconds} s` : `did not accept a connection within ${seconds} s`), options.timeoutMs);

  function onSocket(socket: Socket): void {
    // A kept-alive socket is connected already: the head goes out on it at once.
    if (socket.connecting) socket.once('connect', () => (connected = true));
    else connected = true;
  }
  function onContinue(): void {
    if (settled) return;
    clearTimeout(deadline);
    // The holder took the request: its tunnel's clock started there a moment ago, and this one starts now.
    options.answerClock?.add(answerDeadline);
    bodyStarted = true;
    req.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
    req.pipe(out);
  }
  function onResponse(answer: IncomingMessage): void {
    clearTimeout(deadline);
    // The head arrived: the answer deadline no longer applies, as on a single relay, whose clock stops at the client's
    // answer head. A body the holder stops sending midway (frozen mid-answer) holds the sender until the sender gives
    // up, as a single relay's stalled client does: the status is out, and no error page can replace it any more.
    options.answerClock?.remove(answerDeadline);
    // Answered without "go on" (the holder refused the head): the body was never sent, so this connection cannot be
    // used again; it goes once the answer is through.
    if (!bodyStarted) answer.once('end', () => out.destroy());
    res.sendDate = false;
    try {
      // The holder already stripped a local app's X-Hooktunnel-Error; one here marks the holder's own error page.
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, toFlat(stripHopByHop(toPairs(answer.rawHeaders), { keepErrorHeader: true })));
    } catch {
      answer.destroy();
      return fail('the holding node answered with a header this node cannot repeat');
    }
    answer.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
    answer.pipe(res);
    answer.on('end', () => {
      answered = true;
      settle(true);
    });
    // The holder died mid-answer: the sender sees a cut response, the same as from a single relay.
    answer.on('error', () => res.destroy());
    answer.on('aborted', () => res.destroy());
  }
  /**
   * The holder took the request and sent no answer head by the tunnel's deadline plus the margin: a live holder would
   * have answered 504 itself by now, so it stopped responding (frozen, its host hung). The sender gets the 504 a single
   * relay gives for a request its client did not answer, and the hop's connection goes, not back to the agent.
   */
  function answerOverdue(): void {
    if (settled) return;
    const seconds = options.answerClock!.durationMs / 1000;
    const message = `no answer came back within ${seconds} s: the relay node holding tunnel ${request.tunnelId} took the request and stopped responding`;
    sendError(req, res, { code: 'local_timeout', message, hint: HOLDER_OVERDUE_HINT }, true);
    options.onAnswerOverdue(seconds);
    settle(false);
    out.destroy();
  }
  const fail = (why: string) => {
    sendError(req, res, { code: 'tunnel_disconnected', message: `the relay node holding tunnel ${request.tunnelId} ${why}; retry` }, true);
    settle(false);
  };
  function onError(error: NodeJS.ErrnoException): void {
    if (settled) return;
    if (res.headersSent) {
      res.destroy();
      return settle(false);
    }
    // The holder closed an idle kept-alive connection as this head went out on it (its keep-alive timeout, a restart):
    // it never read the request, so once more on a new connection before it counts as a node that is gone.
    if (!bodyStarted && out.reusedSocket && !retried) {
      retried = true;
      connected = false;
      out = open(false);
      return;
    }
    const reason = error.code ?? error.message;
    if (!bodyStarted) return unreachable(connected ? `closed the connection (${reason})` : `could not be reached (${reason})`);
    fail(`failed: ${reason}`);
  }
  let out = open(options.agent);
  // The sender's exchange is over. Unless it ended with the holder's own answer, the hop ends too: this node may have
  // answered by itself (408 for a sender too slow with its body, 413), and the holder must not keep the half request
  // (and the app its start) until its own timeout; nor does that count as a hop that went well.
  res.on('close', () => {
    if (!answered) out.destroy();
    settle(answered);
  });
}
