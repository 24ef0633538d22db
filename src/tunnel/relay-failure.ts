// Why a connection to the relay failed, as a stable code a script can act on (`listen --json`, `login --json`; README,
// "Errors with --json") and the words a person reads. The one place that names these codes: the tunnel client and
// login's check both describe their failures through here.

import { UPGRADE_DROPPED_HINT } from '../protocol.js';

/** The relay's refusals (its X-Hooktunnel-Error at the upgrade, or a Refused frame's code), passed on as they are. */
export const RELAY_REFUSAL_CODES = [
  'unauthorized',
  'name_taken',
  'name_reserved',
  'bad_name',
  'too_many_tunnels',
  'queue_unavailable',
  'cluster_unavailable',
  'unsupported_version',
  'protocol_error',
  'rate_limited',
  'relay_draining',
  'upgrade_required',
  'relay_error',
] as const;

export type RelayFailureCode =
  | (typeof RELAY_REFUSAL_CODES)[number]
  /** Nothing answered: refused, no such host, TLS on a plain port, a timeout, a proxy in front whose relay is down. */
  | 'relay_unreachable'
  /** Something answered that is not a hooktunnel relay (a web server, the wrong path). */
  | 'not_a_relay'
  /** Another `listen --force` took the tunnel's name over. */
  | 'taken_over'
  /** The connection ended for another reason (it dropped, the relay stopped pinging, a code this build does not know). */
  | 'connection_lost';

/** A failure to reach or keep the relay, with its code. */
export class RelayFailure extends Error {
  constructor(
    message: string,
    readonly code: RelayFailureCode,
  ) {
    super(message);
    this.name = 'RelayFailure';
  }
}

/** The code of a relay's refusal: its own when this build knows it (the relay's text is never trusted as a code). */
export function refusalCode(code: unknown): RelayFailureCode {
  return (RELAY_REFUSAL_CODES as readonly unknown[]).includes(code) ? (code as RelayFailureCode) : 'connection_lost';
}

/**
 * An answer other than 101 to the WebSocket upgrade. `relayError` is its X-Hooktunnel-Error: without one, the answer
 * came from something else (a proxy in front, or not a relay at all).
 */
export function upgradeRefusal(status: number, relayError: string | undefined, statusMessage: string | undefined, relayUrl: string): RelayFailure {
  let message = `relay refused the connection: ${status} ${relayError ?? statusMessage ?? ''}`.trimEnd();
  if (relayError === 'upgrade_required') return new RelayFailure(`${message}: ${UPGRADE_DROPPED_HINT}`, 'upgrade_required');
  // A relay's host, but no tunnel endpoint under this path: the URL has a path too many (or is missing --base-path's).
  if (relayError === 'tunnel_not_found') return new RelayFailure(`${message}: ${relayUrl} is not the address of a hooktunnel relay (a wrong path?)`, 'not_a_relay');
  if (relayError) return new RelayFailure(message, status === 401 || status === 403 ? 'unauthorized' : refusalCode(relayError));
  if (status === 401 || status === 403) return new RelayFailure(message, 'unauthorized');
  if (status >= 502 && status <= 504) return new RelayFailure(`${message} (from a proxy in front of it: is the relay behind it running?)`, 'relay_unreachable');
  message += `: ${relayUrl} does not look like a hooktunnel relay`;
  return new RelayFailure(message, 'not_a_relay');
}

/** A socket error on the way to the relay: nothing there to talk to. */
export function socketFailure(error: NodeJS.ErrnoException, relayUrl: string): RelayFailure {
  return new RelayFailure(describeSocketError(error, relayUrl), 'relay_unreachable');
}

function describeSocketError(error: NodeJS.ErrnoException, relayUrl: string): string {
  if (error.code === 'ECONNREFUSED') return `could not connect to relay ${relayUrl} (connection refused)`;
  if (error.code === 'ENOTFOUND') return `could not resolve relay host in ${relayUrl}`;
  // OpenSSL's own text is several lines of library detail; what the user did is almost always https:// to a plain port.
  if (error.code === 'EPROTO' || error.code?.startsWith('ERR_SSL_')) return `could not speak TLS with relay ${relayUrl} (does it serve plain http:// on that port?)`;
  return `relay ${relayUrl}: ${error.message}`;
}
