// What the forwarders share: how a failure to reach the local app is told to the sender, and how "localhost" resolves.

import type { LookupFunction } from 'node:net';
import type { ForwardErrorCode } from './forward-types.js';
import type { Target } from './target.js';

/**
 * "localhost" means both loopback addresses, whatever /etc/hosts says: dev servers bind ::1 or 127.0.0.1
 * depending on the framework. With Node's autoSelectFamily, the connection tries each in turn.
 */
export const lookupLocalhost: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }]);
  else callback(null, '127.0.0.1', 4);
};

export function describeError(error: NodeJS.ErrnoException, target: Target): [ForwardErrorCode, string] {
  // "cannot reach <url>: <why>" for every failure to connect, so a replay, the log and the sender all say the same.
  const unreachable = (why: string): [ForwardErrorCode, string] => ['local_unreachable', `cannot reach ${target.url}: ${why}`];
  const where = `${target.hostname}:${target.port}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return unreachable('connection refused (is your app running?)');
    case 'ENOTFOUND':
      return unreachable(`host ${target.hostname} not found`);
    case 'EAI_AGAIN':
      return unreachable(`DNS lookup of ${target.hostname} failed, try again`);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return unreachable('connection timed out');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return unreachable('no route to the host');
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return ['local_error', `the local app at ${where} closed the connection without answering`];
    default:
      return ['local_error', `the local app at ${where} failed: ${error.message}`];
  }
}
