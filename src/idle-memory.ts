// Gives memory back once a long-running process (`listen`, `relay`) has gone quiet after a burst.
//
// V8 grows the young generation under load (up to 16 MiB per semi-space) and shrinks it only in a collection that
// runs while its measured allocation rate is low. A process that has gone quiet allocates next to nothing, so no
// collection runs and the burst's memory stays resident: `listen` ended the bench's c=50 run at 128 MiB and was still
// there 10 s later, 32 MiB of it an empty young generation. So every second the process looks at the CPU it used.
// The first quiet interval after busy ones runs a full collection (it compacts the old generation and frees the
// burst's buffers); the next quiet ones run a young collection each (under 1 ms with nothing live) until V8 has shrunk
// the young generation, which it does once its allocation rate has been low for about 5 s. Nothing runs while the
// process is busy, so forwarding never pays for it.

import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const CHECK_EVERY_MS = 1_000;
/** Below this much CPU (all threads) over one check interval the process counts as quiet: 5 % of a core. */
export const QUIET_CPU_MICROS = 50_000;
/** The young generation starts at 1-2 MiB and the relay holds it at 4; at or under this it has not grown. */
export const YOUNG_SHRUNK_BYTES = 4 * 1024 * 1024;
/** Collections after a burst, at most (a process that keeps allocating a little may never shrink it). */
export const MAX_COLLECTIONS = 10;

export interface MemoryProbe {
  /** CPU used by the process so far, in microseconds. */
  cpuMicros(): number;
  /** Bytes reserved for V8's young generation. */
  youngBytes(): number;
  collect(kind: 'minor' | 'major'): void;
}

/** The decision, apart from V8 and the clock: call `check()` every CHECK_EVERY_MS. */
export class IdleMemoryRelease {
  private lastCpu: number;
  private afterBusy = false;
  private collections = 0;

  constructor(private readonly probe: MemoryProbe) {
    this.lastCpu = probe.cpuMicros();
  }

  check(): void {
    const cpu = this.probe.cpuMicros();
    const busy = cpu - this.lastCpu > QUIET_CPU_MICROS;
    this.lastCpu = cpu;
    if (busy) {
      this.afterBusy = true;
      this.collections = 0;
      return;
    }
    if (!this.afterBusy) return;
    this.probe.collect(this.collections === 0 ? 'major' : 'minor');
    if (this.probe.youngBytes() <= YOUNG_SHRUNK_BYTES || ++this.collections >= MAX_COLLECTIONS) this.afterBusy = false;
  }
}

type GcFunction = (options: { type: 'minor' | 'major'; execution: 'sync' }) => void;

/** V8's `gc()`, which Node only exposes with --expose-gc; the flag is set here, so no launcher has to pass it. */
function exposedGc(): GcFunction {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as GcFunction;
}

/** The probe over this process's V8 heap. */
export const v8MemoryProbe = (gc: GcFunction = exposedGc()): MemoryProbe => ({
  cpuMicros: () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  youngBytes: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
  collect: (type) => gc({ type, execution: 'sync' }),
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
  setInterval(() => release.check(), CHECK_EVERY_MS).unref();
}
