// Which peers the relay names in its "--trust-proxy does not name" log line: only a proxy the operator could run (this
// machine, a private network). Anyone on the internet can send X-Forwarded-For; telling the operator to trust them
// would let them choose the address the per-IP limits count.

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAddressing } from '../../relay-server/addressing.js';
import type { RelayOptions } from '../../relay-server/options.js';

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('untrustedProxy', () => {
  const addressing = createAddressing({ trustProxy: ['10.0.0.5'] } as RelayOptions, () => 8080);

  it.each(['127.0.0.1', '::ffff:127.0.0.1', '::1', '10.1.2.3', '172.20.0.2', '192.168.1.10', 'fd00::7'])('names %s, a proxy the operator could run', (peer) => {
    expect(addressing.untrustedProxy(request(peer, '203.0.113.9'))).toBe(peer.replace('::ffff:', ''));
  });

  it.each(['203.0.113.9', '8.8.8.8', '2001:db8::1', '172.32.0.1'])('leaves out %s, a peer on the internet', (peer) => {
    expect(addressing.untrustedProxy(request(peer, '198.51.100.1'))).toBeUndefined();
  });

  it('leaves out a trusted proxy and a request without X-Forwarded-For', () => {
    expect(addressing.untrustedProxy(request('10.0.0.5', '203.0.113.9'))).toBeUndefined();
    expect(addressing.untrustedProxy(request('127.0.0.1'))).toBeUndefined();
  });
});
