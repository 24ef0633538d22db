import { describe, expect, it } from 'vitest';
import { decode, encode, MessageType, ProtocolError } from '../../src/protocol.js';

const request = { method: 'POST', path: '/x?y=1', headers: [['A', '1'], ['a', '2']], deliveryId: 'd1', receivedAt: 1, url: 'http://r/t/x' };

describe('protocol', () => {
  it('round-trips a request head with its body bytes in one frame', () => {
    const body = Buffer.from([0, 255, 1, 254]);
    const message = decode(encode(MessageType.Request, 7, request, body, true));
    expect(message).toMatchObject({ type: MessageType.Request, stream: 7, end: true, meta: request });
    expect(message.type === MessageType.Request && Buffer.compare(message.body, body)).toBe(0);
  });

  it('round-trips body-only frames without meta', () => {
    const message = decode(encode(MessageType.ResponseBody, 3, null, Buffer.from('abc'), false));
    expect(message).toMatchObject({ type: MessageType.ResponseBody, stream: 3, end: false });
  });

  const frame = (type: number, stream: number, meta: string | null, extra = Buffer.alloc(0)) => {
    const metaBytes = Buffer.from(meta ?? '');
    const header = Buffer.alloc(10);
    header[0] = type;
    header.writeUInt32BE(stream, 1);
    header.writeUInt32BE(metaBytes.length, 6);
    return Buffer.concat([header, metaBytes, extra]);
  };

  it.each([
    ['an empty frame', Buffer.alloc(0), 'frame_too_short'],
    ['a 9-byte frame', Buffer.alloc(9), 'frame_too_short'],
    ['an unknown type', frame(200, 1, null), 'unknown_type'],
    ['meta longer than the frame', Buffer.concat([frame(4, 1, null).subarray(0, 6), Buffer.from([0, 0, 1, 0])]), 'bad_meta'],
    ['meta that is not JSON', frame(4, 1, '{nope'), 'bad_meta'],
    ['meta that is an array', frame(4, 1, '[1]'), 'bad_meta'],
    ['a request without meta', frame(4, 1, null), 'bad_meta'],
    ['a request on stream 0', frame(4, 0, JSON.stringify(request)), 'bad_field'],
    ['headers that are not pairs', frame(4, 1, JSON.stringify({ ...request, headers: [['a']] })), 'bad_field'],
    ['a status out of range', frame(6, 1, JSON.stringify({ status: 42, headers: [] })), 'bad_field'],
    ['an abort with an unknown code', frame(8, 1, JSON.stringify({ code: 'nope', message: '' })), 'bad_field'],
    ['a hello with a string version', frame(1, 0, JSON.stringify({ version: '1', timeoutMs: 0 })), 'bad_field'],
  ])('rejects %s with a stable code', (_name, bytes, code) => {
    expect(() => decode(bytes)).toThrow(ProtocolError);
    try {
      decode(bytes);
    } catch (error) {
      expect((error as ProtocolError).code).toBe(code);
    }
  });
});
