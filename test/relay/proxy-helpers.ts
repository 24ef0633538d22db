// Shared by the reverse-proxy tests (nginx, Caddy): the test certificate, HTTPS requests that trust it, finding the
// proxy binary, and the rule that a missing proxy fails in CI but skips on a laptop.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/http.js';
import { onCleanup } from './helpers.js';

/** A self-signed certificate for localhost and 127.0.0.1, valid 2000-2100. */
export const CERT = fileURLToPath(new URL('fixtures/localhost-cert.pem', import.meta.url));
export const KEY = fileURLToPath(new URL('fixtures/localhost-key.pem', import.meta.url));

export const inCi = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase());

/** The first candidate that runs with `versionFlag` (Debian puts daemons in /usr/sbin, not on every PATH). */
export function findBinary(candidates: string[], versionFlag: string): string | undefined {
  return candidates.find((bin) => spawnSync(bin, [versionFlag]).status === 0);
}

/** Replaces `from` (which must occur) with `to`, so a reshaped shipped config fails loudly instead of going untested. */
export function fill(config: string, from: string | RegExp, to: string, file: string): string {
  const next = config.replace(from, to);
  if (next === config) throw new Error(`the shipped ${file} no longer contains ${from}; update this test`);
  return next;
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Environment for a `listen` child that trusts the test certificate and keeps its files in a temp dir. */
export function listenEnv(token: string): Record<string, string> {
  const dir = tempDir('hooktunnel-proxy-home-');
  return { XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), NO_COLOR: '1', NODE_EXTRA_CA_CERTS: CERT, HOOKTUNNEL_TOKEN: token };
}

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * An HTTPS request that trusts the test certificate. A server may answer before the body is sent (a 413) and close:
 * the client's write then fails after the answer arrived, which is the answer, not an error.
 */
export function httpsRequest(url: string, options: { method?: string; body?: Buffer; headers?: Record<string, string> } = {}): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = https.request(url, { method: options.method ?? 'POST', ca: readFileSync(CERT), headers: options.headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      const done = () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) });
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', done);
      // Cut after the head (the early answer and its close): what arrived is the reply.
      res.on('error', done);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(options.body);
  });
}

/** Resolves once `url` answers 200 (the proxy is up and reaches the relay); fails early if the proxy exited. */
export async function untilServing(url: string, exited: () => string | undefined): Promise<void> {
  await waitFor(async () => {
    const failure = exited();
    if (failure !== undefined) throw new Error(`the proxy exited: ${failure}`);
    return httpsRequest(url, { method: 'GET' }).then((reply) => reply.status === 200, () => false);
  }, `${url} to answer through the proxy`, 15_000);
}
