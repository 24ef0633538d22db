// What `hooktunnel login` asks the relay before saving: is it there, is it a hooktunnel relay, does it take this token.
// The cheapest honest question is the one `listen` asks first: the WebSocket upgrade with the token. The relay checks
// the token before it answers (401 when it refuses), and its 101 carries its signature header; the connection is then
// closed before HELLO, so no tunnel is opened and no name is taken.

import WebSocket from 'ws';
import { RELAY_SIGNATURE_HEADER } from '../protocol.js';
import { RelayFailure, socketFailure, upgradeRefusal } from './relay-failure.js';
import { connectUrl } from './tunnel-client.js';

/** Resolves when the relay at `relayUrl` accepts `token`; rejects with a RelayFailure saying why not. */
export function checkRelay(relayUrl: string, token: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(connectUrl(relayUrl), { headers: { Authorization: `Bearer ${token}` }, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    let outcome: RelayFailure | undefined;
    let signed = false;
    ws.on('upgrade', (res) => (signed = res.headers[RELAY_SIGNATURE_HEADER] !== undefined));
    ws.on('open', () => {
      // Another WebSocket server at this path would take the upgrade too: only a relay signs its 101.
      if (signed) return ws.close(1000, 'login check');
      outcome = new RelayFailure(`${relayUrl} answered the tunnel handshake but does not look like a hooktunnel relay`, 'not_a_relay');
      ws.terminate();
    });
    ws.on('unexpected-response', (_req, res) => {
      const relayError = res.headers['x-hooktunnel-error'];
      outcome = upgradeRefusal(res.statusCode ?? 0, typeof relayError === 'string' ? relayError : undefined, res.statusMessage, relayUrl);
      res.resume();
      ws.terminate();
    });
    ws.on('error', (error: NodeJS.ErrnoException) => {
      // ws says "Opening handshake has timed out" for a host that never answers.
      outcome ??= socketFailure(error, relayUrl);
    });
    ws.on('close', () => (outcome ? reject(outcome) : resolve()));
  });
}
