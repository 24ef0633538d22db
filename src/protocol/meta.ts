// Validation of each message's meta (the JSON after a frame's header): unknown shapes throw ProtocolError('bad_field').
// Used by the frame codec (frames.ts); not part of the protocol module's public surface.

import { isErrorCode, ProtocolError } from './errors.js';
import type {
  AbortMeta,
  AckMeta,
  AckSettings,
  GoAwayMeta,
  HeaderPairs,
  HelloMeta,
  QueuedMeta,
  RefusedMeta,
  RequestMeta,
  ResponseMeta,
  WelcomeMeta,
} from './messages.js';

export type Json = Record<string, unknown>;

/** Meta must be a JSON object. */
export function parseMeta(bytes: Buffer): Json {
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

export function checkHello(m: Json): HelloMeta {
  const hello: HelloMeta = { version: num(m, 'version'), timeoutMs: num(m, 'timeoutMs') };
  const name = optStr(m, 'name');
  const resumeToken = optStr(m, 'resumeToken');
  if (name !== undefined) hello.name = name;
  if (resumeToken !== undefined) hello.resumeToken = resumeToken;
  if (m.force !== undefined) hello.force = bool(m, 'force');
  if (m.ack !== undefined) hello.ack = checkAckSettings(obj(m, 'ack'));
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
function checkAckSettings(m: Json): AckSettings {
  const paths = m.paths;
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) fail('ack.paths', 'an array of strings');
  const status = httpStatus(m, 'status');
  // The relay gives it to senders as their final answer, that their request was taken (listen --ack-status: 200-299).
  if (status < 200 || status > 299) fail('ack.status', 'a 2xx status code');
  return { paths: paths as string[], status, body: str(m, 'body') };
}
function checkQueued(m: Json): QueuedMeta {
  const reason = m.reason;
  if (reason !== 'offline' && reason !== 'ack') fail('queued.reason', '"offline" or "ack"');
  const queued: QueuedMeta = { reason, status: httpStatus(m, 'status'), body: str(m, 'body') };
  if (m.lateByMs !== undefined) queued.lateByMs = num(m, 'lateByMs');
  return queued;
}
export function checkWelcome(m: Json): WelcomeMeta {
  return { tunnelId: str(m, 'tunnelId'), url: str(m, 'url'), resumeToken: str(m, 'resumeToken'), maxBodyBytes: num(m, 'maxBodyBytes') };
}
export function checkRefused(m: Json): RefusedMeta {
  return { code: str(m, 'code'), message: str(m, 'message'), fatal: bool(m, 'fatal') };
}
export function checkRequest(m: Json): RequestMeta {
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
export function checkResponse(m: Json): ResponseMeta {
  return { status: httpStatus(m, 'status'), headers: headers(m, 'headers') };
}
export function checkAbort(m: Json): AbortMeta {
  const code = m.code;
  return { code: isErrorCode(code) ? code : fail('code', 'a known error code'), message: str(m, 'message') };
}
export function checkAck(m: Json): AckMeta {
  return { deliveryId: str(m, 'deliveryId') };
}
export function checkGoAway(m: Json): GoAwayMeta {
  return { reason: str(m, 'reason'), reconnect: bool(m, 'reconnect') };
}
