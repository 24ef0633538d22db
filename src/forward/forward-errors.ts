// What the forwarders share: how a failure to reach the local app is told to the sender, and how "localhost" resolves.

import type { LookupFunction } from 'node:net';
import type { ForwardErrorCode } from './forwarder.js';
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
  const where = `${target.hostname}:${target.port}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return ['local_unreachable', `could not connect to ${where}: connection refused (is your app running?)`];
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return ['local_unreachable', `could not resolve ${target.hostname}`];
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return ['local_unreachable', `could not connect to ${where}: timed out`];
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return ['local_error', `the local app at ${where} closed the connection without answering`];
    default:
      return ['local_error', `the local app at ${where} failed: ${error.message}`];
  }
}
