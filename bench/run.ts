// `npm run bench`: starts target, relay and CLIs as child processes, runs every scenario, prints and saves the results.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, USAGE, UsageError, type BenchConfig } from './config.js';
import type { Context, Env } from './context.js';
import { startListen, startRelay, startTarget } from './environment.js';
import { meterHostLoad, type HostLoad } from './host-load.js';
import { clockTicksPerSecond, openFileLimit } from './proc-stats.js';
import { ProcessGroup, sleep } from './processes.js';
import { profileFlags, summarizeProfiles, type ProfileSummary } from './profile.js';
import { render } from './report.js';
import { describeMachine, gitState, writeResults, type BenchResults } from './results.js';
import { clusterScenario, type ClusterResult } from './scenarios/cluster.js';
import { largeBodiesScenario } from './scenarios/large-bodies.js';
import { latencyScenario } from './scenarios/latency.js';
import { manyTunnelsScenario } from './scenarios/many-tunnels.js';
import { NEAR_IDLE_MIB, snapshot } from './scenarios/memory.js';
import { startupScenario } from './scenarios/startup.js';
import { throughputScenario, warmUp } from './scenarios/throughput.js';
import { checkTargets } from './targets.js';
import type { Generator } from './load.js';
import { findWrk } from './wrk.js';

/** Hard ceilings: the issue asks under a minute (quick) and under ten (full); these leave room for a slow CI box. */
const WATCHDOG_MS = { quick: 3 * 60_000, full: 15 * 60_000 };

async function runAll(ctx: Context): Promise<BenchResults> {
  const { config, group, tmp } = ctx;
  const started = Date.now();
  const machine = describeMachine(ctx.ticksPerSecond, openFileLimit());
  const loadAverageAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
  const profileDir = join(tmp, 'profiles');
  const flags = (name: string) => (config.profile ? profileFlags(profileDir, name) : undefined);

  ctx.log('starting target, relay and two `hooktunnel listen` (capture on, --no-store)');
  const target = await startTarget(group, tmp);
  // The per-tunnel rate limit (200/s by default) is off, as on the embedded relay: a load test is not a sender to throttle.
  const relayFlags = ['--rate-limit', '0'];
  const relay = await startRelay(group, tmp, { name: 'relay', flags: relayFlags, nodeFlags: flags('relay') });
  ctx.notes.push(`main relay: hooktunnel ${relay.command}`);
  const listen = (name: string, store: boolean) =>
    startListen(group, tmp, { name, target: target.url, relayUrl: relay.url, store, nodeFlags: store ? flags('cli') : undefined });
  const env: Env = { target, relay, capture: await listen('cli', true), nostore: await listen('cli-nostore', false) };
  await sleep(1000);
  const idle = snapshot(env);

  // wrk is the headline generator when installed (the peers were measured with it); autocannon runs as well, after.
  const wrk = findWrk();
  const primary: Generator = wrk ? { kind: 'wrk', path: wrk, scratch: tmp } : { kind: 'autocannon' };
  if (!wrk) ctx.notes.push('wrk is not on PATH: autocannon alone generated the load (install wrk for the headline figures)');
  ctx.log(`warming up every path (${primary.kind})`);
  await warmUp(ctx, env, primary);
  const metered = async <T>(what: string, scenario: () => Promise<T>): Promise<T> => {
    const stop = meterHostLoad(group, ctx.ticksPerSecond);
    const result = await scenario();
    hostLoad[what] = stop();
    return result;
  };
  const hostLoad: Record<string, HostLoad> = {};
  ctx.log(`(1) latency, concurrency 1 (${primary.kind})`);
  const latency = await metered('latency', () => latencyScenario(ctx, env, primary));
  ctx.log(`(2, 4, 8) throughput, concurrency 50: direct / tunnel / tunnel --no-store, rotating (${primary.kind})`);
  const throughput = await metered('throughput', () => throughputScenario(ctx, env, primary));
  const afterLoad = snapshot(env);
  ctx.log(`(5) memory: waiting ${config.settleS} s after the load`);
  await sleep(config.settleS * 1000);
  const settled = snapshot(env);
  const memory = { idle, peakSampled: throughput.peakRssMiB, afterLoad, settled, settleS: config.settleS };
  let autocannonRuns: BenchResults['autocannon'];
  if (wrk) {
    const generator: Generator = { kind: 'autocannon' };
    ctx.log('(1, 2) latency and throughput again, with autocannon');
    await warmUp(ctx, env, generator);
    const acLatency = await metered('latency-autocannon', () => latencyScenario(ctx, env, generator));
    const acThroughput = await metered('throughput-autocannon', () => throughputScenario(ctx, env, generator));
    autocannonRuns = { latency: acLatency, throughput: acThroughput };
  }
  ctx.log('(3) large bodies');
  const freshTunnel = async (): Promise<Env> => {
    const fresh = await startRelay(group, tmp, { name: 'relay-100', flags: [...relayFlags, '--max-body', '200mb'] });
    ctx.notes.push(`100 MiB bodies: a fresh relay and CLI, hooktunnel ${fresh.command}`);
    return { ...env, relay: fresh, capture: await startListen(group, tmp, { name: 'cli-100', target: target.url, relayUrl: fresh.url, store: true }) };
  };
  const large = await metered('large', () => largeBodiesScenario(ctx, env, freshTunnel));
  ctx.log('(9) three relay nodes on one Redis: load to the holding node, across the hop, spread over all three');
  let cluster: ClusterResult | undefined;
  if (redisInstalled()) cluster = await metered('cluster', () => clusterScenario(ctx, env, primary));
  else ctx.notes.push('(9) the 3-node cluster was not run: redis-server is not installed (apt-get install redis-server)');
  for (const [what, load] of Object.entries(hostLoad)) {
    if (load.otherPercent > 10) {
      ctx.notes.push(`other processes on this machine used ${load.otherPercent} % of its CPU during the ${what} scenario: absolute figures (and CPU contention) are affected; ratios less so`);
    }
  }
  if (throughput.totals.capture.non2xx + throughput.totals.nostore.non2xx > 0) {
    ctx.notes.push(`the tunnel answered non-2xx during the throughput runs (status counts per run are in throughput.runs[].statusCodes): a relay cap may have been hit`);
  }

  await Promise.all([env.capture.child.stop(), env.nostore.child.stop()]);
  await relay.child.stop();
  let profiles: ProfileSummary[] | undefined;
  if (config.profile) profiles = ['relay', 'cli'].map((name) => summarizeProfiles(profileDir, name));

  ctx.log('(7) start-up');
  const startup = await startupScenario(ctx, new URL(target.url).port);
  await target.child.stop();
  ctx.log(`(6) ${config.tunnels} idle tunnels`);
  const manyTunnels = await manyTunnelsScenario(ctx);

  addStandingNotes(ctx, config);
  const figures = {
    date: new Date().toISOString().slice(0, 10),
    mode: config.quick ? ('quick' as const) : ('full' as const),
    machine,
    loadAverageAtStart,
    hostLoad,
    git: gitState(),
    config,
    loadGenerator: wrk
      ? 'wrk (-t2, -t1 at c=1; its own process) for the headline figures; autocannon 8 (in the bench process) as well, in `autocannon`'
      : 'autocannon 8 (programmatic, in the bench process, sharing the cores with target, relay and CLI)',
    latency,
    throughput,
    autocannon: autocannonRuns,
    memory,
    large,
    manyTunnels,
    startup,
    cluster,
    profiles,
    notes: ctx.notes,
    elapsedS: Math.round((Date.now() - started) / 1000),
  };
  return { ...figures, targets: checkTargets(figures) };
}

function redisInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

function addStandingNotes(ctx: Context, config: BenchConfig): void {
  const notes = ctx.notes;
  if (config.quick) notes.push(`--quick: ${config.throughput.durationS} s runs, ${config.throughput.rounds} rounds, memory re-read ${config.settleS} s (not 10 s) after load; a smoke check, not a measurement`);
  if (config.profile) notes.push('--profile: relay and CLI ran under --cpu-prof, which slows them; these figures are not comparable with plain runs');
  notes.push(
    'direct and tunnel runs alternate within every scenario (ABBA for pairs, rotating order for the three throughput paths); ratios are medians of same-round ratios',
    'CPU is utime+stime from /proc/<pid>/stat of the relay, CLI and target processes; memory is VmRSS/VmHWM from /proc/<pid>/status; the load generator is never measured',
    'the CLIs run `listen --json` with stdout to a file (one NDJSON line per request); capture on writes to a temp SQLite file',
    'latency percentiles: wrk\'s own histogram for the wrk rows; for the autocannon rows, each response\'s own hrtime timing (autocannon\'s histogram rounds to whole ms)',
    `"back near idle" is read as within ${NEAR_IDLE_MIB} MiB of the idle RSS`,
  );
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return void process.stdout.write(`${USAGE}\n`);
  let config: BenchConfig;
  try {
    config = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
    return;
  }

  const group = new ProcessGroup();
  const tmp = mkdtempSync(join(tmpdir(), 'hooktunnel-bench-'));
  const began = Date.now();
  const log = (line: string) => process.stderr.write(`[${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
  const cleanUp = () => rmSync(tmp, { recursive: true, force: true });
  const bail = async (why: string, code: number) => {
    log(`${why}: stopping child processes`);
    await group.stopAll();
    cleanUp();
    process.exit(code);
  };
  // The first Ctrl-C stops children cleanly; a second one kills them at once.
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        group.killAllNow();
        cleanUp();
        process.exit(130);
      }
      stopping = true;
      void bail(signal, 130);
    });
  }
  process.on('exit', () => group.killAllNow());
  const watchdog = setTimeout(() => void bail('time limit exceeded', 1), config.quick ? WATCHDOG_MS.quick : WATCHDOG_MS.full);
  watchdog.unref();

  const ctx: Context = { config, group, tmp, ticksPerSecond: clockTicksPerSecond(), log, notes: [] };
  try {
    const results = await runAll(ctx);
    process.stdout.write(`\n${render(results)}\n\n`);
    const file = writeResults(results, config.profile);
    log(`results written to ${file} (${results.elapsedS} s)`);
  } catch (error) {
    log(`bench failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    await group.stopAll();
    cleanUp();
  }
}

await main();
