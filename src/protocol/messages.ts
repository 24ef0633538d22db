// The protocol's messages: version, endpoint, the type tags, and the meta each message carries, per direction.

import type { ErrorCode } from './errors.js';

/** Protocol versions this build speaks. The client sends its version in HELLO. */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_VERSIONS: readonly number[] = [1];

/** Path of the WebSocket endpoint on the relay's bare host. */
export const CONNECT_PATH = '/_hooktunnel/connect';

/**
 * Marks the relay's own answers (its pages, errors, and the 101 that opens a tunnel connection) so a client can tell a
 * hooktunnel relay from another program: the protocol version, and `; embedded` on the relay a `listen` runs by itself.
 */
export const RELAY_SIGNATURE_HEADER = 'x-hooktunnel-relay';

export enum MessageType {
  /** client → relay: version, desired name, local timeout. First message on a connection. */
  Hello = 1,
  /** relay → client: the tunnel is open; carries its id and public URL. */
  Welcome = 2,
  /** relay → client: the connection is refused or ended, with a reason; the relay closes next. */
  Refused = 3,
  /** relay → client: a new request (head in meta, first body bytes after it). */
  Request = 4,
  /** relay → client: more request body bytes. */
  RequestBody = 5,
  /** client → relay: the local app's response head (and first body bytes). */
  Response = 6,
  /** client → relay: more response body bytes. */
  ResponseBody = 7,
  /**
   * either way: the stream failed; the relay answers the sender with an error page. From the client, the code
   * tunnel_disconnected means the app was never given the request (listen is stopping): the relay handles it as a
   * dropped connection, queueing it (202) where it has a queue; a relay older than that answers the sender 502.
   */
  Abort = 8,
  /** client → relay: a delivery is committed to the CLI's store, the relay may forget it. */
  Ack = 9,
  /** relay → client: stop using this connection (drain or takeover); reconnect says whether to come back. */
  GoAway = 10,
}

export type HeaderPairs = [string, string][];

export interface HelloMeta {
  version: number;
  /** How long the CLI waits for the local app; 0 = forever. The relay's timer follows it. */
  timeoutMs: number;
  /** A stable name (reserved URL) the client asks for. */
  name?: string;
  /** Hands a random id back after a reconnect. */
  resumeToken?: string;
  /** Take a name over from a client that holds it. */
  force?: boolean;
  /** Acknowledge mode: the relay answers senders itself and queues their requests for this client. */
  ack?: AckSettings;
}
/** What the relay answers in acknowledge mode, and for which paths. */
export interface AckSettings {
  /** Path prefixes to acknowledge; empty: every path. */
  paths: string[];
  status: number;
  body: string;
}
/** Present on a request the relay answered itself and queued durably; the client must ACK it once committed. */
export interface QueuedMeta {
  /** Why it was queued: the client was away, or acknowledge mode. */
  reason: 'offline' | 'ack';
  /** What the sender was told. */
  status: number;
  body: string;
  /** Set when the delivery comes later than it arrived (from the backlog): relay time from arrival to this send. */
  lateByMs?: number;
}
export interface WelcomeMeta {
  tunnelId: string;
  url: string;
  resumeToken: string;
  maxBodyBytes: number;
}
export interface RefusedMeta {
  code: string;
  message: string;
  /** A fatal refusal (bad token, version) must not be retried. */
  fatal: boolean;
}
export interface RequestMeta {
  method: string;
  /** Path and query exactly as received, after the tunnel prefix. */
  path: string;
  headers: HeaderPairs;
  /** Relay-assigned id of this delivery; stable across redeliveries. */
  deliveryId: string;
  /** Epoch ms at which the relay received the request. */
  receivedAt: number;
  /** The public URL the sender used (signature schemes such as Twilio's cover it). */
  url: string;
  /** The relay already answered the sender and keeps the request until the client ACKs it; the client sends no response. */
  queued?: QueuedMeta;
}
export interface ResponseMeta {
  status: number;
  headers: HeaderPairs;
}
export interface AbortMeta {
  code: ErrorCode;
  message: string;
}
export interface AckMeta {
  deliveryId: string;
}
export interface GoAwayMeta {
  reason: string;
  reconnect: boolean;
}

/** The message union, one variant per type tag. */
export type Message =
  | { type: MessageType.Hello; stream: 0; meta: HelloMeta }
  | { type: MessageType.Welcome; stream: 0; meta: WelcomeMeta }
  | { type: MessageType.Refused; stream: 0; meta: RefusedMeta }
  | { type: MessageType.Request; stream: number; end: boolean; meta: RequestMeta; body: Buffer }
  | { type: MessageType.RequestBody; stream: number; end: boolean; body: Buffer }
  | { type: MessageType.Response; stream: number; end: boolean; meta: ResponseMeta; body: Buffer }
  | { type: MessageType.ResponseBody; stream: number; end: boolean; body: Buffer }
  | { type: MessageType.Abort; stream: number; meta: AbortMeta }
  | { type: MessageType.Ack; stream: 0; meta: AckMeta }
  | { type: MessageType.GoAway; stream: 0; meta: GoAwayMeta };
