// The hooktunnel wire protocol: the one module both the relay and the CLI import.
//
// Every WebSocket message is one binary frame:
//
//   offset 0  u8   message type (MessageType)
//   offset 1  u32  stream id (0 for connection-level messages)
//   offset 5  u8   flags (FLAG_END: the body of this stream is complete)
//   offset 6  u32  length of the JSON meta that follows (0 = none)
//   offset 10      meta (UTF-8 JSON object), then raw body bytes to the end of the frame
//
// Bodies are never base64'd or re-encoded: they ride after the meta as raw bytes, in chunks,
// so a small webhook crosses the tunnel as one frame each way and a large one streams.

/** Protocol versions this build speaks. The client sends its version in HELLO. */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_VERSIONS: readonly number[] = [1];

/** Path of the WebSocket endpoint on the relay's bare host. */
export const CONNECT_PATH = '/_hooktunnel/connect';

/** Header that marks responses made by hooktunnel itself rather than by the local app (ngrok does the same). */
export const ERROR_HEADER = 'x-hooktunnel-error';

/** Largest body chunk put in one frame; bodies larger than this are streamed in several frames. */
export const BODY_CHUNK_BYTES = 256 * 1024;
/** ws maxPayload: a chunk plus generous room for meta. Bounded per ws CVE-2024-37890 advice. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Meta is small JSON (headers at most 16 KiB on the public side); anything bigger is hostile. */
export const MAX_META_BYTES = 1024 * 1024;

/** Relay pings every 10 s and drops a client with no pong for 15 s (ngrok's figures). */
export const HEARTBEAT_INTERVAL_MS = 10_000;
export const HEARTBEAT_TIMEOUT_MS = 15_000;
/** The CLI gives up on a relay it has not heard from (no ping) in 25 s. */
export const CLIENT_SILENCE_TIMEOUT_MS = 25_000;
/** From TCP accept to an accepted HELLO (bore 3 s, rathole 5 s). */
export const HANDSHAKE_TIMEOUT_MS = 5_000;
/** Default wait for the local app (Stripe CLI uses 30 s). 0 means wait forever. */
export const DEFAULT_LOCAL_TIMEOUT_MS = 30_000;
/** The relay waits a little longer than the CLI so the CLI's precise 504 wins the race. */
export const RELAY_TIMEOUT_GRACE_MS = 2_000;

export const FLAG_END = 0x01;
const HEADER_BYTES = 10;

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
  /** either way: the stream failed; the relay answers the sender with an error page. */
  Abort = 8,
  /** client → relay: a delivery is committed to the CLI's store, the relay may forget it. */
  Ack = 9,
  /** relay → client: stop using this connection (drain or takeover); reconnect says whether to come back. */
  GoAway = 10,
}

export type HeaderPairs = [string, string][];

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
  bad_request: 400,
  /** The sender did not finish its request head in time (slowloris guard). */
  request_timeout: 408,
  unsupported_version: 426,
  unauthorized: 401,
  name_taken: 409,
  protocol_error: 400,
  /** The sender closed its connection before the answer; nobody sees this status. */
  sender_gone: 499,
  /** The tunnel's durable queue is at its count or byte limit (or the relay cannot store it); the sender retries later. */
  queue_full: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

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

/** Encodes one frame. `body` is copied once into the frame; pass chunks of at most BODY_CHUNK_BYTES. */
export function encode(
  type: MessageType,
  stream: number,
  meta: object | null,
  body?: Uint8Array,
  end = false,
): Buffer {
  const metaBytes = meta ? Buffer.from(JSON.stringify(meta)) : EMPTY;
  const bodyLength = body ? body.length : 0;
  const frame = Buffer.allocUnsafe(HEADER_BYTES + metaBytes.length + bodyLength);
  frame[0] = type;
  frame.writeUInt32BE(stream, 1);
  frame[5] = end ? FLAG_END : 0;
  frame.writeUInt32BE(metaBytes.length, 6);
  metaBytes.copy(frame, HEADER_BYTES);
  if (body) frame.set(body, HEADER_BYTES + metaBytes.length);
  return frame;
}

const EMPTY = Buffer.alloc(0);

/** Decodes and validates one frame; throws ProtocolError on anything malformed. Bodies are views, not copies. */
export function decode(frame: Buffer): Message {
  if (frame.length < HEADER_BYTES) {
    throw new ProtocolError('frame_too_short', `frame of ${frame.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  }
  const type = frame[0] as MessageType;
  const stream = frame.readUInt32BE(1);
  const end = (frame[5] & FLAG_END) !== 0;
  const metaLength = frame.readUInt32BE(6);
  if (metaLength > MAX_META_BYTES || HEADER_BYTES + metaLength > frame.length) {
    throw new ProtocolError('bad_meta', `meta length ${metaLength} does not fit in a frame of ${frame.length} bytes`);
  }
  const metaEnd = HEADER_BYTES + metaLength;
  const body = frame.subarray(metaEnd);
  const meta = metaLength > 0 ? parseMeta(frame.subarray(HEADER_BYTES, metaEnd)) : null;

  switch (type) {
    case MessageType.Hello:
      return { type, stream: 0, meta: checkHello(need(meta, type)) };
    case MessageType.Welcome:
      return { type, stream: 0, meta: checkWelcome(need(meta, type)) };
    case MessageType.Refused:
      return { type, stream: 0, meta: checkRefused(need(meta, type)) };
    case MessageType.Request:
      return { type, stream: checkStream(stream), end, meta: checkRequest(need(meta, type)), body };
    case MessageType.RequestBody:
      return { type, stream: checkStream(stream), end, body };
    case MessageType.Response:
      return { type, stream: checkStream(stream), end, meta: checkResponse(need(meta, type)), body };
    case MessageType.ResponseBody:
      return { type, stream: checkStream(stream), end, body };
    case MessageType.Abort:
      return { type, stream: checkStream(stream), meta: checkAbort(need(meta, type)) };
    case MessageType.Ack:
      return { type, stream: 0, meta: { deliveryId: str(need(meta, type), 'deliveryId') } };
    case MessageType.GoAway: {
      const m = need(meta, type);
      return { type, stream: 0, meta: { reason: str(m, 'reason'), reconnect: bool(m, 'reconnect') } };
    }
    default:
      throw new ProtocolError('unknown_type', `unknown message type ${type}`);
  }
}

type Json = Record<string, unknown>;

function parseMeta(bytes: Buffer): Json {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ProtocolError('bad_meta', 'meta is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('bad_meta', 'meta is not a JSON object');
  }
  return value as Json;
}

function need(meta: Json | null, type: MessageType): Json {
  if (!meta) throw new ProtocolError('bad_meta', `${MessageType[type]} needs meta`);
  return meta;
}

function checkStream(stream: number): number {
  if (stream === 0) throw new ProtocolError('bad_field', 'stream id 0 is reserved for connection messages');
  return stream;
}

function fail(field: string, expected: string): never {
  throw new ProtocolError('bad_field', `field "${field}" must be ${expected}`);
}
function str(m: Json, key: string): string {
  const v = m[key];
  return typeof v === 'string' ? v : fail(key, 'a string');
}
function optStr(m: Json, key: string): string | undefined {
  return m[key] === undefined ? undefined : str(m, key);
}
function num(m: Json, key: string): number {
  const v = m[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(key, 'a non-negative number');
}
function bool(m: Json, key: string): boolean {
  const v = m[key];
  return typeof v === 'boolean' ? v : fail(key, 'a boolean');
}
function headers(m: Json, key: string): HeaderPairs {
  const v = m[key];
  if (!Array.isArray(v)) fail(key, 'an array of [name, value] pairs');
  for (const pair of v) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      fail(key, 'an array of [name, value] string pairs');
    }
  }
  return v as HeaderPairs;
}

function checkHello(m: Json): HelloMeta {
  const hello: HelloMeta = { version: num(m, 'version'), timeoutMs: num(m, 'timeoutMs') };
  const name = optStr(m, 'name');
  const resumeToken = optStr(m, 'resumeToken');
  if (name !== undefined) hello.name = name;
  if (resumeToken !== undefined) hello.resumeToken = resumeToken;
  if (m.force !== undefined) hello.force = bool(m, 'force');
  if (m.ack !== undefined) hello.ack = checkAck(obj(m, 'ack'));
  return hello;
}
function obj(m: Json, key: string): Json {
  const v = m[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : fail(key, 'an object');
}
function httpStatus(m: Json, key: string): number {
  const status = num(m, key);
  return Number.isInteger(status) && status >= 100 && status <= 999 ? status : fail(key, 'an HTTP status code');
}
function checkAck(m: Json): AckSettings {
  const paths = m.paths;
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) fail('ack.paths', 'an array of strings');
  return { paths: paths as string[], status: httpStatus(m, 'status'), body: str(m, 'body') };
}
function checkQueued(m: Json): QueuedMeta {
  const reason = m.reason;
  if (reason !== 'offline' && reason !== 'ack') fail('queued.reason', '"offline" or "ack"');
  const queued: QueuedMeta = { reason, status: httpStatus(m, 'status'), body: str(m, 'body') };
  if (m.lateByMs !== undefined) queued.lateByMs = num(m, 'lateByMs');
  return queued;
}
function checkWelcome(m: Json): WelcomeMeta {
  return { tunnelId: str(m, 'tunnelId'), url: str(m, 'url'), resumeToken: str(m, 'resumeToken'), maxBodyBytes: num(m, 'maxBodyBytes') };
}
function checkRefused(m: Json): RefusedMeta {
  return { code: str(m, 'code'), message: str(m, 'message'), fatal: bool(m, 'fatal') };
}
function checkRequest(m: Json): RequestMeta {
  const request: RequestMeta = {
    method: str(m, 'method'),
    path: str(m, 'path'),
    headers: headers(m, 'headers'),
    deliveryId: str(m, 'deliveryId'),
    receivedAt: num(m, 'receivedAt'),
    url: str(m, 'url'),
  };
  if (m.queued !== undefined) request.queued = checkQueued(obj(m, 'queued'));
  return request;
}
function checkResponse(m: Json): ResponseMeta {
  return { status: httpStatus(m, 'status'), headers: headers(m, 'headers') };
}
function checkAbort(m: Json): AbortMeta {
  const code = m.code;
  return { code: isErrorCode(code) ? code : fail('code', 'a known error code'), message: str(m, 'message') };
}
