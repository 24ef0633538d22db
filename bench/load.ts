// The load generator: autocannon for bursts of 1 KB webhooks, plain node:http for single large bodies.

import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { Payload } from './payloads.js';
import { percentile } from './stats.js';
import { runWrk } from './wrk.js';

/** Which program generates the load: autocannon (in this process) or wrk (its own process). */
export type Generator = { kind: 'autocannon' } | { kind: 'wrk'; path: string; scratch: string };

/** Path the bench posts to, on the target or after the tunnel prefix. */
export const HOOK_PATH = '/hook';

export interface LoadOptions {
  /** Base URL: the target or the tunnel's public URL. */
  base: string;
  connections: number;
  durationS: number;
  payload: Payload;
  /** autocannon when absent. */
  generator?: Generator;
}

export interface LoadResult {
  /** 2xx answers: delivered webhooks. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  /** Delivered requests per second. */
  rps: number;
  /** From each response's own timing (autocannon's histogram rounds to whole milliseconds). */
  p50Ms: number;
  p99Ms: number;
  /** Answers per HTTP status. */
  statusCodes: Record<string, number>;
}

/** Runs the load for `durationS` seconds with the chosen generator. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const generator = options.generator;
  return generator?.kind === 'wrk' ? runWrk(generator.path, options, generator.scratch) : runAutocannon(options);
}

/** Runs autocannon for `durationS` seconds and keeps every latency at full precision. */
async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: `${options.base}${HOOK_PATH}`,
    method: 'POST',
    connections: options.connections,
    duration: options.durationS,
    body: options.payload.body,
    headers: options.payload.headers,
    timeout: 10,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTimeMs: number) => {
    if (status >= 200 && status < 300) latencies.push(responseTimeMs);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const ok = result['2xx'];
  return {
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    rps: Math.round(ok / result.duration),
    p50Ms: round3(percentile(latencies, 50)),
    p99Ms: round3(percentile(latencies, 99)),
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count])),
  };
}

export interface PostResult {
  status: number;
  ms: number;
  /** The target's answer (its JSON says whether the SHA-256 matched). */
  body: string;
}

/** One POST on a fresh connection; the time runs from the first byte sent to the last byte of the answer. */
export function postOnce(base: string, payload: Payload, timeoutMs: number): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(`${base}${HOOK_PATH}`, {
      method: 'POST',
      agent: false,
      headers: { ...payload.headers, 'content-length': String(payload.body.length) },
      timeout: timeoutMs,
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: round3(performance.now() - started), body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`POST of ${payload.body.length} bytes to ${base} timed out`)));
    req.on('error', reject);
    req.end(payload.body);
  });
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;
