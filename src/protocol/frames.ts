// The frame codec: every WebSocket message is one binary frame.
//
//   offset 0  u8   message type (MessageType)
//   offset 1  u32  stream id (0 for connection-level messages)
//   offset 5  u8   flags (FLAG_END: the body of this stream is complete)
//   offset 6  u32  length of the JSON meta that follows (0 = none)
//   offset 10      meta (UTF-8 JSON object), then raw body bytes to the end of the frame
//
// Bodies are never base64'd or re-encoded: they ride after the meta as raw bytes, in chunks,
// so a small webhook crosses the tunnel as one frame each way and a large one streams.

import { ProtocolError } from './errors.js';
import { MAX_META_BYTES } from './limits.js';
import { MessageType, type Message } from './messages.js';
import {
  checkAbort,
  checkAck,
  checkGoAway,
  checkHello,
  checkRefused,
  checkRequest,
  checkResponse,
  checkWelcome,
  parseMeta,
  type Json,
} from './meta.js';

export const FLAG_END = 0x01;
const HEADER_BYTES = 10;

/** Encodes one frame. `body` is copied once into the frame; pass chunks of at most BODY_CHUNK_BYTES. */
export function encode(
  type: MessageType,
  stream: number,
  meta: object | null,
  body?: Uint8Array,
  end = false,
): Buffer {
  // The meta's UTF-8 goes straight into the frame: no Buffer of its own to allocate and copy, twice per webhook.
  const json = meta ? JSON.stringify(meta) : '';
  const metaLength = Buffer.byteLength(json);
  const bodyLength = body ? body.length : 0;
  const frame = Buffer.allocUnsafe(HEADER_BYTES + metaLength + bodyLength);
  frame[0] = type;
  frame.writeUInt32BE(stream, 1);
  frame[5] = end ? FLAG_END : 0;
  frame.writeUInt32BE(metaLength, 6);
  if (metaLength > 0) frame.write(json, HEADER_BYTES, metaLength, 'utf8');
  if (body) frame.set(body, HEADER_BYTES + metaLength);
  return frame;
}

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
      return { type, stream: 0, meta: checkAck(need(meta, type)) };
    case MessageType.GoAway:
      return { type, stream: 0, meta: checkGoAway(need(meta, type)) };
    default:
      throw new ProtocolError('unknown_type', `unknown message type ${type}`);
  }
}

function need(meta: Json | null, type: MessageType): Json {
  if (!meta) throw new ProtocolError('bad_meta', `${MessageType[type]} needs meta`);
  return meta;
}

function checkStream(stream: number): number {
  if (stream === 0) throw new ProtocolError('bad_field', 'stream id 0 is reserved for connection messages');
  return stream;
}
