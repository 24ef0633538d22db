// The protocol fields added for "nothing lost": queued deliveries and acknowledge mode, validated on decode.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acknowledges } from '../../relay-server/queue-intake.js';
import { decode, encode, MessageType, ProtocolError } from '../../src/protocol.js';
import { loadResumeToken, resumeKey, saveResumeToken } from '../../src/tunnel/resume-file.js';

const request = { method: 'POST', path: '/x', headers: [], deliveryId: 'd1', receivedAt: 1, url: 'http://r/t/x' };

describe('queued requests and acknowledge mode on the wire', () => {
  it('round-trips a queued request head and an ack hello', () => {
    const queued = { reason: 'offline', status: 202, body: '{"queued":true}', lateByMs: 1234 };
    expect(decode(encode(MessageType.Request, 1, { ...request, queued }, Buffer.alloc(0), true))).toMatchObject({ meta: { queued } });
    const ack = { paths: ['/stripe'], status: 200, body: '{"received":true}' };
    expect(decode(encode(MessageType.Hello, 0, { version: 1, timeoutMs: 0, ack }))).toMatchObject({ meta: { ack } });
    expect(decode(encode(MessageType.Ack, 0, { deliveryId: 'd1' }))).toEqual({ type: MessageType.Ack, stream: 0, meta: { deliveryId: 'd1' } });
  });

  it.each([
    ['a queued reason that is not known', { ...request, queued: { reason: 'later', status: 202, body: '' } }, MessageType.Request],
    ['a queued status that is not HTTP', { ...request, queued: { reason: 'ack', status: 2, body: '' } }, MessageType.Request],
    ['a negative lateness', { ...request, queued: { reason: 'ack', status: 200, body: '', lateByMs: -1 } }, MessageType.Request],
    ['queued meta that is not an object', { ...request, queued: 'yes' }, MessageType.Request],
    ['ack paths that are not strings', { version: 1, timeoutMs: 0, ack: { paths: [1], status: 200, body: '' } }, MessageType.Hello],
    ['an ack without a body', { version: 1, timeoutMs: 0, ack: { paths: [], status: 200 } }, MessageType.Hello],
    ['an ACK without a delivery id', {}, MessageType.Ack],
  ])('rejects %s with bad_field', (_name, meta, type) => {
    const stream = type === MessageType.Request ? 1 : 0;
    expect(() => decode(encode(type, stream, meta))).toThrow(ProtocolError);
  });

  it.each([
    [[], '/anything', true],
    [['/stripe'], '/stripe', true],
    [['/stripe'], '/stripe/events?x=1', true],
    [['/stripe/'], '/stripe?x=1', true],
    [['/stripe'], '/stripes', false],
    [['/stripe', '/github'], '/github/push', true],
    [['/'], '/x', true],
  ])('acknowledge paths %j cover %s: %s', (paths, path, covered) => {
    expect(acknowledges({ paths, status: 200, body: '' }, path)).toBe(covered);
  });
});

describe('the resume-token file', () => {
  it('is 0600, keyed by relay, target and name, and not handed to a second listen while the first runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-resume-'));
    try {
      const path = join(dir, 'nested', 'resume-tokens.json');
      const key = resumeKey('http://relay', 'http://localhost:3000', undefined);
      expect(loadResumeToken(path, key)).toBeUndefined();
      saveResumeToken(path, key, 'tok-1');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      // Saved by this (running) process: this process gets it back; the key of another target does not.
      expect(loadResumeToken(path, key)).toBe('tok-1');
      expect(loadResumeToken(path, resumeKey('http://relay', 'http://localhost:4000', undefined))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
