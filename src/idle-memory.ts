// Gives memory back once a long-running process (`listen`, `relay`) has gone quiet after a burst.
//
// V8 grows the young generation under load (up to 16 MiB per semi-space) and shrinks it only in a collection that
// runs while its measured allocation rate is low. A process that has gone quiet allocates next to nothing, so no
// collection runs and the burst's memory stays resident: `listen` ended the bench's c=50 run at 128 MiB and was still
// there 10 s later, 32 MiB of it an empty young generation. So every second the process looks at the CPU it used.
// The third quiet interval in a row after busy ones runs a full collection (it compacts the old generation and frees
// the burst's buffers), then young collections SHRINK_STEP_MS apart (each well under 1 ms with nothing live) until V8 has
// shrunk the young generation. V8 judges its allocation rate from its last ten collections (or the last 5 s of
// them, whichever is shorter), so a dozen quiet ones close together push the burst out of that window within a
// quarter of a second; one a second took 5-6 s, and a sample 10 s after the load sometimes still saw the 32 MiB.
// Last, the free pages the collections left in malloc's heaps go back to the kernel (see free-heap-pages.ts).
// Nothing runs while the process is busy, so forwarding never pays for it.

import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { returnFreeHeapPages } from './free-heap-pages.js';

export const CHECK_EVERY_MS = 1_000;
/**
 * Between the young collections after a burst. Measured (Node 20): 10-200 ms apart, V8 shrank the space after
 * 11-13 of them; 1 ms apart it never did (its rate then comes out high: tiny allocations over next to no time).
 */
export const SHRINK_STEP_MS = 20;
/**
 * Quiet checks in a row before the release runs. The next burst starts from a compacted old generation and a small
 * young one, which it pays to grow again: after a pause of a second or two between bursts that is CPU spent for
 * nothing (the bench's quick mode, 2-second rounds with 2-second pauses, read 165 and 181 CPU-ms per 1,000 with the
 * release after one quiet second, 152 and 168 with the earlier one that hardly released anything), so it waits for
 * a pause that looks like the end of the traffic.
 */
export const QUIET_CHECKS_BEFORE_RELEASE = 3;
/** Below this much CPU (all threads) over one check interval the process counts as quiet: 5 % of a core. */
export const QUIET_CPU_MICROS = 50_000;
/** The young generation starts at 1-2 MiB and the relay holds it at 4; at or under this it has not grown. */
export const YOUNG_SHRUNK_BYTES = 4 * 1024 * 1024;
/** Young collections after a burst, at most (a process that keeps allocating may never shrink it). */
export const MAX_COLLECTIONS = 20;

export interface MemoryProbe {
  /** CPU used by the process so far, in microseconds. */
  cpuMicros(): number;
  /** Bytes reserved for V8's young generation. */
  youngBytes(): number;
  collect(kind: 'minor' | 'major'): void;
  /** Hands malloc's free pages back to the kernel; runs once the collections have freed what they can. */
  returnFreePages(): void;
}

/** The decision, apart from V8 and the clock: call `check()`, then again after the milliseconds it returns. */
export class IdleMemoryRelease {
  private lastCpu: number;
  /** Quiet checks in a row since the last busy one; undefined when there is no burst left to release after. */
  private quietSinceBusy: number | undefined;
  /** Young collections left to run, SHRINK_STEP_MS apart; 0 when not shrinking. */
  private shrinkSteps = 0;

  constructor(private readonly probe: MemoryProbe) {
    this.lastCpu = probe.cpuMicros();
  }

  check(): number {
    const cpu = this.probe.cpuMicros();
    const used = cpu - this.lastCpu;
    this.lastCpu = cpu;
    if (this.shrinkSteps > 0) return this.shrinkStep(used);
    if (used > QUIET_CPU_MICROS) {
      this.quietSinceBusy = 0;
      return CHECK_EVERY_MS;
    }
    if (this.quietSinceBusy === undefined || ++this.quietSinceBusy < QUIET_CHECKS_BEFORE_RELEASE) return CHECK_EVERY_MS;
    this.quietSinceBusy = undefined;
    this.probe.collect('major');
    this.lastCpu = this.probe.cpuMicros(); // its own CPU is not a burst
    if (this.probe.youngBytes() <= YOUNG_SHRUNK_BYTES) return this.finish();
    this.shrinkSteps = MAX_COLLECTIONS;
    return SHRINK_STEP_MS;
  }

  /** One young collection, unless traffic came back since the last one (`used`: CPU since then, the collection's not). */
  private shrinkStep(used: number): number {
    if (used > (QUIET_CPU_MICROS * SHRINK_STEP_MS) / CHECK_EVERY_MS) {
      // Busy again: no more collections now; the next quiet pause starts over.
      this.shrinkSteps = 0;
      this.quietSinceBusy = 0;
      return CHECK_EVERY_MS;
    }
    this.probe.collect('minor');
    this.lastCpu = this.probe.cpuMicros();
    this.shrinkSteps = this.probe.youngBytes() <= YOUNG_SHRUNK_BYTES ? 0 : this.shrinkSteps - 1;
    return this.shrinkSteps > 0 ? SHRINK_STEP_MS : this.finish();
  }

  /** The collections are done: what they freed in malloc's heaps goes back too. */
  private finish(): number {
    this.probe.returnFreePages();
    this.lastCpu = this.probe.cpuMicros();
    return CHECK_EVERY_MS;
  }
}

type GcFunction = (options?: { type: 'minor'; execution: 'sync' }) => void;

/** V8's `gc()`, which Node only exposes with --expose-gc; the flag is set here, so no launcher has to pass it. */
function exposedGc(): GcFunction {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as GcFunction;
}

/**
 * A full collection that also compacts the old generation, so the pages a burst grew are handed back. Two findings
 * on Node 20's V8: `gc()` given any options object runs a young collection whatever its `type` says (only a bare
 * `gc()` is full), and a full collection compacts few pages: after a burst `listen` kept 30 MiB of old space for
 * 14 MiB in use. With `--compact-on-every-full-gc` for this one collection V8 evacuates the sparse pages and frees
 * them (a test heap: 57 MiB reserved for 15 in use went to 16, in 65 ms of CPU; without the flag, to 30).
 */
function compactingCollection(gc: GcFunction): void {
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

/** The probe over this process's V8 heap. */
export const v8MemoryProbe = (gc: GcFunction = exposedGc()): MemoryProbe => ({
  cpuMicros: () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  youngBytes: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
  collect: (type) => (type === 'major' ? compactingCollection(gc) : gc({ type, execution: 'sync' })),
  returnFreePages: () => void returnFreeHeapPages(),
});

let started = false;

/** Starts the checks for the life of the process (once; the timer does not keep it alive). */
export function releaseMemoryWhenIdle(): void {
  if (started) return;
  started = true;
  let probe: MemoryProbe;
  try {
    probe = v8MemoryProbe();
  } catch {
    return; // a runtime without V8's gc(): the memory is only kept longer, nothing else changes
  }
  const release = new IdleMemoryRelease(probe);
  const schedule = (delayMs: number): void => {
    setTimeout(() => schedule(release.check()), delayMs).unref();
  };
  schedule(CHECK_EVERY_MS);
}
