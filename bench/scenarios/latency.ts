// Scenario 1: one sender at a time (concurrency 1), 1 KB JSON POST; p50/p99 direct and through the tunnel, alternating.

import { type Context, type Env, pathUrl, type PathName } from '../context.js';
import { runLoad, round3, type Generator, type LoadResult } from '../load.js';
import { jsonPayload1k } from '../payloads.js';
import { median } from '../stats.js';

export interface LatencyRun extends LoadResult {
  path: PathName;
  round: number;
}

export interface LatencyResult {
  runs: LatencyRun[];
  direct: { p50Ms: number; p99Ms: number };
  tunnel: { p50Ms: number; p99Ms: number };
  /** Median over rounds of (tunnel p50 − direct p50) within the same round. */
  addedP50Ms: number;
  addedP99Ms: number;
}

export async function latencyScenario(ctx: Context, env: Env, generator: Generator): Promise<LatencyResult> {
  const { rounds, durationS } = ctx.config.latency;
  const payload = jsonPayload1k();
  const runs: LatencyRun[] = [];
  for (let round = 0; round < rounds; round++) {
    // ABBA order, so neither side always runs first (warmer caches, drifting clocks).
    const order: PathName[] = round % 2 === 0 ? ['direct', 'capture'] : ['capture', 'direct'];
    for (const path of order) {
      const result = await runLoad({ base: pathUrl(env, path), connections: 1, durationS, payload, generator });
      runs.push({ path, round, ...result });
      ctx.log(`  latency round ${round + 1}/${rounds} ${label(path)} (${generator.kind}): p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (${result.ok} requests)`);
    }
  }
  const of = (path: PathName) => runs.filter((r) => r.path === path);
  const added = (key: 'p50Ms' | 'p99Ms') =>
    round3(median(of('capture').map((t) => t[key] - of('direct').find((d) => d.round === t.round)![key])));
  return {
    runs,
    direct: { p50Ms: round3(median(of('direct').map((r) => r.p50Ms))), p99Ms: round3(median(of('direct').map((r) => r.p99Ms))) },
    tunnel: { p50Ms: round3(median(of('capture').map((r) => r.p50Ms))), p99Ms: round3(median(of('capture').map((r) => r.p99Ms))) },
    addedP50Ms: added('p50Ms'),
    addedP99Ms: added('p99Ms'),
  };
}

export const label = (path: PathName) => (path === 'direct' ? 'direct' : path === 'capture' ? 'tunnel' : 'tunnel --no-store');
