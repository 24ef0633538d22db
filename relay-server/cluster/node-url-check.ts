// Does --node-url reach this very node? The other nodes pass the requests for its tunnels there. A wrong one fails no
// request outright (a hop that cannot be made, or lands on a node not holding the tunnel, is queued), so without this
// check a node bound where its --node-url does not point (the systemd socket on 127.0.0.1, a port typed wrong), or
// two nodes given the same one (an env file copied from one VPS to the next), turn every request that reaches another
// node into a late, queued delivery, and nothing says why. Checked once, when the node starts serving.

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { HOP_HEADER } from './cluster-options.js';

/** Where a node says which process it is, to a request carrying the cluster secret (no tunnel id can be this path). */
export const NODE_PATH = '/_hooktunnel/node';

/** Answers a node's identity probe: this process's instance id, which no other node has. */
export function answerIdentity(res: ServerResponse, instance: string): void {
  const body = JSON.stringify({ instance });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

/** What the check found: this node answers at its URL, another node does, or nothing usable does (and why). */
export type NodeUrlCheck = { reached: 'self' } | { reached: 'other' } | { reached: 'nothing'; why: string };

export function checkNodeUrl(nodeUrl: string, secret: string, instance: string, timeoutMs: number): Promise<NodeUrlCheck> {
  return new Promise((resolve) => {
    const node = new URL(nodeUrl);
    const req = http.get(
      { host: node.hostname.replace(/^\[|\]$/g, ''), port: node.port || 80, path: NODE_PATH, headers: { [HOP_HEADER]: secret }, agent: false, timeout: timeoutMs },
      (res: IncomingMessage) => {
        let body = '';
        // An identity is a few bytes: whatever else answers there is not read whole.
        res.setEncoding('utf8').on('data', (chunk: string) => body.length < 4096 && (body += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve({ reached: 'nothing', why: `it answered ${res.statusCode}, not as a hooktunnel relay node with this --cluster-secret` });
          let answered: unknown;
          try {
            answered = (JSON.parse(body) as { instance?: unknown }).instance;
          } catch {
            answered = undefined;
          }
          resolve(answered === instance ? { reached: 'self' } : { reached: 'other' });
        });
        res.on('error', (error) => resolve({ reached: 'nothing', why: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ reached: 'nothing', why: error.code ?? error.message }));
  });
}

/** The log line for the check: a confirmation the operator can look for, or what is wrong and what to do. */
export function nodeUrlLine(nodeUrl: string, check: NodeUrlCheck): string {
  const consequence = 'requests for its tunnels that reach the other nodes are queued and delivered late instead of passed on';
  if (check.reached === 'self') return `--node-url ${nodeUrl} reaches this node: the other nodes pass it the requests for its tunnels there`;
  if (check.reached === 'other') {
    return `--node-url ${nodeUrl} reaches another relay node, not this one: ${consequence}. Give each node its own --node-url (HOOKTUNNEL_NODE_URL), the address and port the others reach it at`;
  }
  return (
    `--node-url ${nodeUrl} does not reach this node (${check.why}): ${consequence}. Give --node-url the address and port this node listens on ` +
    '(under systemd socket activation that is ListenStream= in hooktunnel-relay.socket, not --host/--port), reachable from the other nodes'
  );
}
