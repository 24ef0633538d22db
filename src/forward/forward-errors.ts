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

/** OpenSSL's verdicts on a certificate it would not trust (Node reports them as the error's code). */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function describeError(error: NodeJS.ErrnoException, target: Target): [ForwardErrorCode, string] {
  // "cannot reach <url>: <why>" for every failure to connect, so a replay, the log and the sender all say the same.
  const unreachable = (why: string): [ForwardErrorCode, string] => ['local_unreachable', `cannot reach ${target.url}: ${why}`];
  const where = `${target.hostname}:${target.port}`;
  // An https:// target whose dev server has a self-signed (or mkcert) certificate: say what to do, not OpenSSL's words
  // as "the local app failed" under a hint about closed connections.
  if (error.code && UNTRUSTED_CERTIFICATE.has(error.code)) {
    return unreachable(`its TLS certificate is not trusted (${error.message}); trust it with NODE_EXTRA_CA_CERTS=<its certificate or CA, .pem>, or forward to its http:// port`);
  }
  // https:// to a port that speaks plain HTTP.
  if (error.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || error.code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return unreachable('it does not speak TLS on that port (is it http://?)');
  }
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
