// The hop between nodes: a public request that reached a node not holding its tunnel is streamed (never buffered)
// to the node that holds it, with the cluster secret, and the answer streamed back. A hop is never hopped again.

import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { HeaderPairs } from '../../src/protocol.js';
import { stripHopByHop, toFlat, toPairs } from '../../src/http-headers.js';
import { sendError } from '../error-page.js';
import { HOP_HEADER, HOP_URL_HEADER } from './cluster-options.js';

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
  const headers = stripHopByHop(toPairs(req.rawHeaders)).filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== HOP_HEADER && lower !== HOP_URL_HEADER;
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
  /** The node refused the connection before any of the body was read: the caller may still queue the request. */
  onUnreachable(): void;
  done(outcome: { bytesIn: number; bytesOut: number; ok: boolean }): void;
}

/** Streams the request to `nodeUrl` and its answer back, with backpressure both ways (pipe). */
export function hopToNode(nodeUrl: string, request: HopRequest, options: HopOptions): void {
  const { req, res } = request;
  const node = new URL(nodeUrl);
  const headers = toFlat(request.headers);
  // Without the sender's framing header node:http would pick one; a chunked body must stay chunked.
  if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] === undefined) headers.push('Transfer-Encoding', 'chunked');
  headers.push(HOP_HEADER, options.secret, HOP_URL_HEADER, request.url);
  let bytesIn = 0;
  let bytesOut = 0;
  let bodyStarted = false;
  /** The holder's whole answer went back to the sender. */
  let answered = false;
  let settled = false;
  const settle = (ok: boolean) => {
    if (settled) return;
    settled = true;
    options.done({ bytesIn, bytesOut, ok });
  };

  // `path` is the raw request target, never parsed against a base: `//host/x` stays a path on the holder.
  const out = http.request({
    host: node.hostname.replace(/^\[|\]$/g, ''),
    port: node.port || 80,
    method: req.method,
    path: req.url,
    headers,
    setHost: false,
    agent: options.agent,
  });
  out.on('socket', (socket) => {
    const pipeBody = () => {
      bodyStarted = true;
      req.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
      req.pipe(out);
    };
    if (socket.connecting) socket.once('connect', pipeBody);
    else pipeBody();
  });
  out.on('response', (answer) => {
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
  });
  const fail = (why: string) => {
    sendError(req, res, { code: 'tunnel_disconnected', message: `the relay node holding tunnel ${request.tunnelId} ${why}; retry` }, true);
    settle(false);
  };
  out.on('error', (error: NodeJS.ErrnoException) => {
    if (res.headersSent) {
      res.destroy();
      return settle(false);
    }
    if (!bodyStarted && !settled) {
      settled = true;
      return options.onUnreachable();
    }
    fail(`(${nodeUrl}) failed: ${error.code ?? error.message}`);
  });
  // The sender's exchange is over. Unless it ended with the holder's own answer, the hop ends too: this node may have
  // answered by itself (408 for a sender too slow with its body, 413), and the holder must not keep the half request
  // (and the app its start) until its own timeout; nor does that count as a hop that went well.
  res.on('close', () => {
    if (!answered) out.destroy();
    settle(answered);
  });
}
