// The protocol's errors: stable codes (with the HTTP status a sender gets) and the error a malformed frame throws.

/** Header that marks responses made by hooktunnel itself rather than by the local app (ngrok does the same). */
export const ERROR_HEADER = 'x-hooktunnel-error';

/** Stable error codes: sent in X-Hooktunnel-Error, in Abort/Refused, and shown to users. */
export const ERROR_STATUS = {
  tunnel_not_found: 404,
  /** A known name (reserved, or recently connected) whose client is not connected right now. */
  tunnel_offline: 503,
  tunnel_disconnected: 502,
  local_unreachable: 502,
  local_error: 502,
  local_timeout: 504,
  body_too_large: 413,
  uri_too_long: 414,
  headers_too_large: 431,
  rate_limited: 429,
  tunnel_busy: 503,
  relay_draining: 503,
  /** A request Node's parser refused, or an HTTP/1.1 request without a Host header. */
  bad_request: 400,
  /** An Expect header other than 100-continue (RFC 9110 §10.1.1). */
  expectation_failed: 417,
  /** CONNECT: the relay is not a proxy, and no tunnel takes a method that turns the connection into a raw pipe. */
  method_not_supported: 501,
  /** A Transfer-Encoding other than chunked (gzip, deflate): the app would get coded bytes with nothing saying so. */
  unsupported_transfer_coding: 501,
  /** The sender did not finish its request head or body in time (slowloris guard, --request-timeout). */
  request_timeout: 408,
  unsupported_version: 426,
  /** A request to the clients' WebSocket endpoint without `Upgrade: websocket`: a proxy in front dropped it. */
  upgrade_required: 426,
  unauthorized: 401,
  name_taken: 409,
  protocol_error: 400,
  /** The sender closed its connection before the answer; nobody sees this status. */
  sender_gone: 499,
  /** The tunnel's durable queue is at its count or byte limit (or the relay cannot store it); the sender retries later. */
  queue_full: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** What `upgrade_required` means for whoever runs the relay: said by the relay's answer and by the client alike. */
export const UPGRADE_DROPPED_HINT =
  'a proxy in front of the relay does not pass the WebSocket Upgrade and Connection headers on (nginx: proxy_set_header Upgrade and Connection, as in the shipped nginx.conf; see docs/self-host.md)';

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/** A frame that does not follow this protocol. `code` is stable. */
export class ProtocolError extends Error {
  constructor(
    readonly code: 'frame_too_short' | 'unknown_type' | 'bad_meta' | 'bad_field',
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
