// The results file: every figure, the machine, the commit, notes. Written to bench/results/.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import { ROOT } from './environment.js';
import type { HostLoad } from './host-load.js';
import type { ProfileSummary } from './profile.js';
import type { ClusterResult } from './scenarios/cluster.js';
import type { LargeSizeResult } from './scenarios/large-bodies.js';
import type { LatencyResult } from './scenarios/latency.js';
import type { ManyTunnelsResult } from './scenarios/many-tunnels.js';
import type { MemoryResult } from './scenarios/memory.js';
import type { StartupResult } from './scenarios/startup.js';
import type { ThroughputResult } from './scenarios/throughput.js';
import type { TargetCheck } from './targets.js';

export interface Machine {
  cores: number;
  model: string;
  totalMemoryMiB: number;
  node: string;
  platform: string;
  clockTicksPerSecond: number;
  openFileLimit: number;
}

export interface BenchResults {
  date: string;
  mode: 'full' | 'quick';
  machine: Machine;
  /** 1, 5 and 15 minute load averages when the bench began. */
  loadAverageAtStart: number[];
  /** CPU used by other processes on the machine during each main scenario. */
  hostLoad: Record<string, HostLoad>;
  git: GitState;
  config: BenchConfig;
  loadGenerator: string;
  latency: LatencyResult;
  throughput: ThroughputResult;
  /** The same scenarios with autocannon, when wrk generated the headline figures. */
  autocannon?: { latency: LatencyResult; throughput: ThroughputResult };
  memory: MemoryResult;
  large: LargeSizeResult[];
  manyTunnels: ManyTunnelsResult;
  startup: StartupResult;
  /** Scenario 9; absent when redis-server is not installed. */
  cluster?: ClusterResult;
  profiles?: ProfileSummary[];
  targets: TargetCheck[];
  notes: string[];
  elapsedS: number;
}

export function describeMachine(clockTicksPerSecond: number, openFileLimit: number): Machine {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim() ?? model;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return {
    cores: cpus().length,
    model,
    totalMemoryMiB: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    clockTicksPerSecond,
    openFileLimit,
  };
}

export interface GitState {
  commit: string;
  /** The measured code (src, relay-server, bin) differs from the commit. */
  dirty: boolean;
  /** Which files differ (`git status --porcelain`), so a reader knows what the figures include. */
  changes: string[];
}

export function gitState(): GitState {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  try {
    const changes = git('status', '--porcelain', '--', 'src', 'relay-server', 'bin').split('\n').filter(Boolean);
    return { commit: git('rev-parse', 'HEAD').trim(), dirty: changes.length > 0, changes };
  } catch {
    return { commit: 'unknown', dirty: false, changes: [] };
  }
}

/** bench/results/<date>.json for a full run; quick and profiling runs get a prefix so they never replace it. */
export function writeResults(results: BenchResults, profile: boolean): string {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const prefix = profile ? 'profile-' : results.mode === 'quick' ? 'quick-' : '';
  const file = join(dir, `${prefix}${results.date}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
