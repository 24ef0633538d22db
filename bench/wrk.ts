// wrk as the load generator (the peers were measured with it): a native process, so it takes less of the two cores
// than autocannon inside the bench's own event loop. Its Lua `done` hook prints one JSON line with every figure.

import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadOptions, LoadResult } from './load.js';

/** wrk's path when it is installed, else undefined (the bench then measures with autocannon alone). */
export function findWrk(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The Lua script for one payload: method, body, headers, and a `done` hook that prints the summary as JSON. */
function script(options: LoadOptions): string {
  const lua = (s: string) => JSON.stringify(s); // a JSON string literal is a valid Lua string for these ASCII bodies
  const headers = Object.entries(options.payload.headers).map(([name, value]) => `wrk.headers[${lua(name)}] = ${lua(value)}`);
  return [
    'wrk.method = "POST"',
    `wrk.body = ${lua(options.payload.body.toString('latin1'))}`,
    ...headers,
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d}\\n\',',
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(99)))',
    'end',
  ].join('\n');
}

interface WrkSummary {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  /** Answers that were not 2xx or 3xx. */
  status: number;
  timeout: number;
  p50Us: number;
  p99Us: number;
}

let scripts = 0;

/** Runs wrk (2 threads, or 1 for a single connection) for `durationS` seconds. */
export function runWrk(wrk: string, options: LoadOptions, scratch: string): Promise<LoadResult> {
  // One script file per run: runs side by side (scenario 9's spread) must not rewrite a file another wrk is reading.
  const file = join(scratch, `wrk-${++scripts}.lua`);
  writeFileSync(file, script(options));
  const threads = Math.min(2, options.connections);
  const args = ['-t', String(threads), '-c', String(options.connections), '-d', `${Math.max(1, Math.round(options.durationS))}s`, '--timeout', '10s', '-s', file, `${options.base}/hook`];
  return new Promise((resolve, reject) => {
    execFile(wrk, args, { encoding: 'utf8', timeout: (options.durationS + 30) * 1000 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'));
      if (error || !line) return reject(new Error(`wrk failed: ${error?.message ?? 'no summary'}\n${stderr}`));
      const s = JSON.parse(line) as WrkSummary;
      const durationS = s.durationUs / 1e6;
      const ok = s.requests - s.status;
      const r3 = (us: number) => Math.round(us) / 1000;
      resolve({
        ok,
        non2xx: s.status,
        errors: s.connect + s.read + s.write,
        timeouts: s.timeout,
        durationS: Math.round(durationS * 100) / 100,
        rps: Math.round(ok / durationS),
        p50Ms: r3(s.p50Us),
        p99Ms: r3(s.p99Us),
        // wrk counts non-2xx/3xx answers but not per status.
        statusCodes: s.status > 0 ? { 'non-2xx/3xx': s.status } : {},
      });
    });
  });
}
