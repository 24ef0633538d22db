// Scenario 5: RSS of the relay and the CLIs at idle, right after the throughput run, and some seconds later.

import type { Env } from '../context.js';
import { memory, type Memory } from '../proc-stats.js';

export interface MemorySnapshot {
  relay: Memory;
  /** The recording CLI (the headline). */
  cli: Memory;
  cliNoStore: Memory;
}

export function snapshot(env: Env): MemorySnapshot {
  return { relay: memory(env.relay.child.pid), cli: memory(env.capture.child.pid), cliNoStore: memory(env.nostore.child.pid) };
}

export interface MemoryResult {
  idle: MemorySnapshot;
  /** Highest RSS sampled during the throughput scenario (relay; recording CLI). */
  peakSampled: { relay: number; cli: number };
  afterLoad: MemorySnapshot;
  /** Read `settleS` seconds after the load stopped. */
  settled: MemorySnapshot;
  settleS: number;
}

/** "Back near idle": within this many MiB of the idle RSS (our reading of the wording). */
export const NEAR_IDLE_MIB = 16;
