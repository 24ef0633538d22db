// Scenario 3: 5 MiB and 20 MiB POSTs (and 100 MiB with --large100), one at a time, direct and tunnel alternating;
// time, integrity (the target's SHA-256 check), and the relay's RSS growth while a body streams through.

import { type Context, type Env, pathUrl, type PathName } from '../context.js';
import { targetStats } from '../environment.js';
import { postOnce } from '../load.js';
import { binaryPayload, MiB } from '../payloads.js';
import { memory, round1, RssSampler } from '../proc-stats.js';
import { median, round } from '../stats.js';

export interface LargeRun {
  path: PathName;
  pair: number;
  status: number;
  ms: number;
  /** The target answered 200, meaning the SHA-256 of what arrived matched. */
  intact: boolean;
  /** Tunnel runs: highest RSS minus RSS just before, sampled every 20 ms, MiB. */
  relayRssGrowthMiB?: number;
  cliRssGrowthMiB?: number;
}

export interface LargeSizeResult {
  mib: number;
  runs: LargeRun[];
  directMs: number;
  tunnelMs: number;
  /** Median over pairs of tunnel time / direct time in the same pair. */
  ratio: number;
  intact: boolean;
  /** Bodies the target counted as corrupted during this size's runs. */
  mismatches: number;
  maxRelayRssGrowthMiB: number;
  maxCliRssGrowthMiB: number;
}

/**
 * 5 and 20 MiB through the main relay and CLI; 100 MiB (with --large100) through a fresh relay and CLI from
 * `freshTunnel`, so heap kept from earlier runs cannot hide a relay that buffers the body.
 */
export async function largeBodiesScenario(ctx: Context, env: Env, freshTunnel: () => Promise<Env>): Promise<LargeSizeResult[]> {
  const results: LargeSizeResult[] = [];
  for (const mib of [5, 20]) results.push(await oneSize(ctx, env, mib, ctx.config.largePairs));
  if (ctx.config.large100) {
    const fresh = await freshTunnel();
    try {
      results.push(await oneSize(ctx, fresh, 100, ctx.config.large100Pairs));
    } finally {
      await fresh.capture.child.stop();
      await fresh.relay.child.stop();
    }
  }
  return results;
}

async function oneSize(ctx: Context, env: Env, mib: number, pairs: number): Promise<LargeSizeResult> {
  const payload = binaryPayload(mib * MiB);
  const timeoutMs = 30_000 + mib * 1000;
  const statsBefore = await targetStats(env.target.url);
  const runs: LargeRun[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const order: PathName[] = pair % 2 === 0 ? ['direct', 'capture'] : ['capture', 'direct'];
    for (const path of order) {
      const pids = [env.relay.child.pid, env.capture.child.pid];
      const base = path === 'capture' ? pids.map((pid) => memory(pid).rssMiB) : [];
      const sampler = path === 'capture' ? new RssSampler(pids, 20) : undefined;
      const answer = await postOnce(pathUrl(env, path), payload, timeoutMs);
      const peaks = sampler?.stop();
      const run: LargeRun = { path, pair, status: answer.status, ms: answer.ms, intact: answer.status === 200 };
      if (peaks) {
        run.relayRssGrowthMiB = round1((peaks.get(pids[0]) ?? 0) - base[0]);
        run.cliRssGrowthMiB = round1((peaks.get(pids[1]) ?? 0) - base[1]);
      }
      runs.push(run);
      const growth = peaks ? `, relay RSS +${run.relayRssGrowthMiB} MiB` : '';
      ctx.log(`  ${mib} MiB pair ${pair + 1}/${pairs} ${path === 'direct' ? 'direct' : 'tunnel'}: ${answer.ms} ms, status ${answer.status}${growth}`);
    }
  }
  const statsAfter = await targetStats(env.target.url);
  const of = (path: PathName) => runs.filter((r) => r.path === path);
  const tunnelRuns = of('capture');
  return {
    mib,
    runs,
    directMs: round(median(of('direct').map((r) => r.ms)), 1),
    tunnelMs: round(median(tunnelRuns.map((r) => r.ms)), 1),
    ratio: round(median(tunnelRuns.map((t) => t.ms / of('direct').find((d) => d.pair === t.pair)!.ms)), 2),
    intact: runs.every((r) => r.intact) && statsAfter.mismatches === statsBefore.mismatches,
    mismatches: statsAfter.mismatches - statsBefore.mismatches,
    maxRelayRssGrowthMiB: Math.max(...tunnelRuns.map((r) => r.relayRssGrowthMiB ?? 0)),
    maxCliRssGrowthMiB: Math.max(...tunnelRuns.map((r) => r.cliRssGrowthMiB ?? 0)),
  };
}
