// Scenarios 2, 4, 8 (and the peak of 5): concurrency 50, 1 KB JSON POST, rotating direct / tunnel / tunnel --no-store
// within each round. CPU is read from /proc for the relay, each CLI and the target around every run.

import { type Context, type Env, pathUrl, type PathName } from '../context.js';
import { targetStats } from '../environment.js';
import { runLoad, type Generator, type LoadResult } from '../load.js';
import { jsonPayload1k } from '../payloads.js';
import { cpuTicks, RssSampler } from '../proc-stats.js';
import { median, round, sum } from '../stats.js';
import { label } from './latency.js';

export interface ThroughputRun extends LoadResult {
  path: PathName;
  round: number;
  /** CPU milliseconds each process spent during this run. */
  cpuMs: { relay: number; capture: number; nostore: number; target: number };
  /** Bodies the target found corrupted during this run. */
  mismatches: number;
}

export interface ThroughputResult {
  runs: ThroughputRun[];
  rps: Record<PathName, number>;
  /** Median over rounds of tunnel rps / direct rps in the same round. */
  ratio: { capture: number; nostore: number };
  /** Median over rounds of capture rps / no-store rps: what recording costs. */
  captureVsNoStore: number;
  /** CPU ms per 1,000 delivered requests. */
  cpuPer1k: {
    relay: number;
    cli: number;
    relayPlusCli: number;
    relayNoStore: number;
    cliNoStore: number;
    targetDirect: number;
    targetTunnel: number;
  };
  totals: Record<PathName, { ok: number; non2xx: number; errors: number; timeouts: number; mismatches: number }>;
  /** Highest RSS of the relay and the recording CLI, sampled every 100 ms through the whole scenario, MiB. */
  peakRssMiB: { relay: number; cli: number };
}

const PATHS: PathName[] = ['direct', 'capture', 'nostore'];

/** A few seconds per path, so JIT and connection pools are warm before anything counts. */
export async function warmUp(ctx: Context, env: Env, generator: Generator): Promise<void> {
  const payload = jsonPayload1k();
  for (const path of PATHS) {
    await runLoad({ base: pathUrl(env, path), connections: ctx.config.throughput.connections, durationS: ctx.config.warmupS, payload, generator });
  }
}

export async function throughputScenario(ctx: Context, env: Env, generator: Generator): Promise<ThroughputResult> {
  const { rounds, durationS, connections } = ctx.config.throughput;
  const payload = jsonPayload1k();
  const pids = { relay: env.relay.child.pid, capture: env.capture.child.pid, nostore: env.nostore.child.pid, target: env.target.child.pid };
  const toMs = (ticks: number) => (ticks * 1000) / ctx.ticksPerSecond;
  const runs: ThroughputRun[] = [];
  const sampler = new RssSampler([pids.relay, pids.capture], 100);

  for (let round = 0; round < rounds; round++) {
    const order = PATHS.map((_, i) => PATHS[(i + round) % PATHS.length]);
    for (const path of order) {
      const before = { stats: await targetStats(env.target.url), ticks: ticksOf(pids) };
      const result = await runLoad({ base: pathUrl(env, path), connections, durationS, payload, generator });
      const after = { stats: await targetStats(env.target.url), ticks: ticksOf(pids) };
      const cpu = (key: keyof typeof pids) => toMs(after.ticks[key] - before.ticks[key]);
      const run: ThroughputRun = {
        path,
        round,
        ...result,
        cpuMs: { relay: cpu('relay'), capture: cpu('capture'), nostore: cpu('nostore'), target: cpu('target') },
        mismatches: after.stats.mismatches - before.stats.mismatches,
      };
      runs.push(run);
      ctx.log(
        `  throughput round ${round + 1}/${rounds} ${label(path)} (${generator.kind}): ${result.rps} req/s` +
          `, non-2xx ${result.non2xx}, errors ${result.errors}, CPU ms relay ${run.cpuMs.relay} / CLI ${path === 'nostore' ? run.cpuMs.nostore : run.cpuMs.capture}`,
      );
    }
  }

  const peaks = sampler.stop();
  const of = (path: PathName) => runs.filter((r) => r.path === path);
  const pairRatio = (path: PathName, base: PathName) =>
    round(median(of(path).map((r) => r.rps / of(base).find((b) => b.round === r.round)!.rps)), 3);
  const per1k = (path: PathName, cpuKey: keyof ThroughputRun['cpuMs']) => {
    const delivered = sum(of(path).map((r) => r.ok));
    return delivered > 0 ? round((sum(of(path).map((r) => r.cpuMs[cpuKey])) / delivered) * 1000, 1) : Number.NaN;
  };
  const total = (path: PathName) => ({
    ok: sum(of(path).map((r) => r.ok)),
    non2xx: sum(of(path).map((r) => r.non2xx)),
    errors: sum(of(path).map((r) => r.errors)),
    timeouts: sum(of(path).map((r) => r.timeouts)),
    mismatches: sum(of(path).map((r) => r.mismatches)),
  });
  const relay = per1k('capture', 'relay');
  const cli = per1k('capture', 'capture');
  return {
    runs,
    rps: { direct: median(of('direct').map((r) => r.rps)), capture: median(of('capture').map((r) => r.rps)), nostore: median(of('nostore').map((r) => r.rps)) },
    ratio: { capture: pairRatio('capture', 'direct'), nostore: pairRatio('nostore', 'direct') },
    captureVsNoStore: pairRatio('capture', 'nostore'),
    cpuPer1k: {
      relay,
      cli,
      relayPlusCli: round(relay + cli, 1),
      relayNoStore: per1k('nostore', 'relay'),
      cliNoStore: per1k('nostore', 'nostore'),
      targetDirect: per1k('direct', 'target'),
      targetTunnel: per1k('capture', 'target'),
    },
    totals: { direct: total('direct'), capture: total('capture'), nostore: total('nostore') },
    peakRssMiB: { relay: peaks.get(pids.relay) ?? Number.NaN, cli: peaks.get(pids.capture) ?? Number.NaN },
  };
}

function ticksOf<K extends string>(pids: Record<K, number>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(pids) as K[]) out[key] = cpuTicks(pids[key]);
  return out;
}
