import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  CHECK_EVERY_MS,
  IdleMemoryRelease,
  MAX_COLLECTIONS,
  QUIET_CHECKS_BEFORE_RELEASE,
  QUIET_CPU_MICROS,
  SHRINK_STEP_MS,
  v8MemoryProbe,
  YOUNG_SHRUNK_BYTES,
  type MemoryProbe,
} from '../../src/idle-memory.js';

const MiB = 1024 * 1024;

/** A process whose CPU and young generation the test moves by hand; it records the collections asked for. */
function fakeProcess(young = 32 * MiB) {
  const state = { cpu: 0, young, collections: [] as string[], shrinkAfter: Infinity };
  const probe: MemoryProbe = {
    cpuMicros: () => state.cpu,
    youngBytes: () => state.young,
    collect: (kind) => {
      state.collections.push(kind);
      if (state.collections.length >= state.shrinkAfter) state.young = 1 * MiB;
    },
    returnFreePages: () => void state.collections.push('trim'),
  };
  return { state, probe, busy: () => (state.cpu += QUIET_CPU_MICROS + 1), quiet: () => (state.cpu += QUIET_CPU_MICROS / 100) };
}

/** The quiet checks before the release runs: nothing is collected in them. */
function waitOutQuiet(release: IdleMemoryRelease, quiet: () => void): void {
  for (let i = 1; i < QUIET_CHECKS_BEFORE_RELEASE; i++) {
    quiet();
    expect(release.check()).toBe(CHECK_EVERY_MS);
  }
}

describe('IdleMemoryRelease', () => {
  it('does nothing in a process that was never busy', () => {
    const { state, probe, quiet } = fakeProcess();
    const release = new IdleMemoryRelease(probe);
    for (let i = 0; i < 20; i++) {
      quiet();
      expect(release.check()).toBe(CHECK_EVERY_MS);
    }
    expect(state.collections).toEqual([]);
  });

  it('does nothing while the process is busy', () => {
    const { state, probe, busy } = fakeProcess();
    const release = new IdleMemoryRelease(probe);
    for (let i = 0; i < 20; i++) {
      busy();
      expect(release.check()).toBe(CHECK_EVERY_MS);
    }
    expect(state.collections).toEqual([]);
  });

  it('after a burst: one full collection, then young ones close together until the young generation has shrunk, then the free malloc pages go back', () => {
    const { state, probe, busy, quiet } = fakeProcess();
    state.shrinkAfter = 4;
    const release = new IdleMemoryRelease(probe);
    busy();
    const delays = [release.check()];
    waitOutQuiet(release, quiet);
    expect(state.collections).toEqual([]);
    for (let i = 0; i < 6; i++) {
      quiet();
      delays.push(release.check());
    }
    expect(state.collections).toEqual(['major', 'minor', 'minor', 'minor', 'trim']);
    expect(delays).toEqual([CHECK_EVERY_MS, SHRINK_STEP_MS, SHRINK_STEP_MS, SHRINK_STEP_MS, CHECK_EVERY_MS, CHECK_EVERY_MS, CHECK_EVERY_MS]);
    expect(state.young).toBeLessThanOrEqual(YOUNG_SHRUNK_BYTES);
  });

  it('a pause between bursts shorter than QUIET_CHECKS_BEFORE_RELEASE checks releases nothing (the next burst would grow it all again)', () => {
    const { state, probe, busy, quiet } = fakeProcess();
    const release = new IdleMemoryRelease(probe);
    for (let burst = 0; burst < 5; burst++) {
      busy();
      release.check();
      for (let i = 1; i < QUIET_CHECKS_BEFORE_RELEASE; i++) {
        quiet();
        release.check();
      }
    }
    expect(state.collections).toEqual([]);
    quiet();
    release.check();
    expect(state.collections).toEqual(['major']);
  });

  it('stops after the first full collection when the young generation never grew (the relay holds it)', () => {
    const { state, probe, busy, quiet } = fakeProcess(4 * MiB);
    const release = new IdleMemoryRelease(probe);
    busy();
    release.check();
    waitOutQuiet(release, quiet);
    for (let i = 0; i < 5; i++) {
      quiet();
      expect(release.check()).toBe(CHECK_EVERY_MS);
    }
    expect(state.collections).toEqual(['major', 'trim']);
  });

  it('gives up after MAX_COLLECTIONS young ones when V8 keeps the young generation, and starts over after the next burst', () => {
    const { state, probe, busy, quiet } = fakeProcess();
    const release = new IdleMemoryRelease(probe);
    busy();
    release.check();
    waitOutQuiet(release, quiet);
    for (let i = 0; i < MAX_COLLECTIONS * 2; i++) {
      quiet();
      release.check();
    }
    expect(state.collections).toHaveLength(1 + MAX_COLLECTIONS + 1);
    expect(state.collections.at(-1)).toBe('trim');
    busy();
    release.check();
    waitOutQuiet(release, quiet);
    quiet();
    release.check();
    expect(state.collections.at(-1)).toBe('major');
    expect(state.collections).toHaveLength(1 + MAX_COLLECTIONS + 1 + 1);
  });

  it('traffic between the young collections stops them, and the next quiet pause starts over with a full one', () => {
    const { state, probe, busy, quiet } = fakeProcess();
    const release = new IdleMemoryRelease(probe);
    busy();
    release.check();
    waitOutQuiet(release, quiet);
    quiet();
    expect(release.check()).toBe(SHRINK_STEP_MS);
    quiet();
    expect(release.check()).toBe(SHRINK_STEP_MS);
    // A few requests within one step (2 ms of CPU in 20 ms: 10 % of a core).
    state.cpu += 2_000;
    expect(release.check()).toBe(CHECK_EVERY_MS);
    // Interrupted: the heap pages are left for the release that completes.
    expect(state.collections).toEqual(['major', 'minor']);
    waitOutQuiet(release, quiet);
    quiet();
    release.check();
    expect(state.collections).toEqual(['major', 'minor', 'major']);
  });
});

describe('v8MemoryProbe', () => {
  it("reads this process's young generation and runs V8's collections", () => {
    const probe = v8MemoryProbe();
    expect(probe.youngBytes()).toBeGreaterThan(0);
    const before = probe.cpuMicros();
    probe.collect('minor');
    probe.collect('major');
    expect(probe.cpuMicros()).toBeGreaterThanOrEqual(before);
  });

  it('its full collection hands back the sparse old-generation pages a burst left', () => {
    const oldSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!;
    // 50 MiB of objects of which one in six stays alive: every page keeps a few live objects, none is empty.
    let survivors: object[] = [];
    let garbage: object[] | undefined = [];
    for (let i = 0; i < 600_000; i++) (i % 6 === 0 ? survivors : garbage).push({ i, text: `x${i}`, list: [i] });
    garbage = undefined;
    v8MemoryProbe().collect('major');
    const { space_size: reserved, space_used_size: used } = oldSpace();
    expect(survivors).toHaveLength(100_000);
    expect(reserved).toBeLessThan(used * 1.3 + 4 * MiB);
    survivors = [];
  });
});
