import { describe, expect, it } from 'vitest';
import { IdleMemoryRelease, MAX_COLLECTIONS, QUIET_CPU_MICROS, v8MemoryProbe, YOUNG_SHRUNK_BYTES, type MemoryProbe } from '../../src/idle-memory.js';

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
  };
  return { state, probe, busy: () => (state.cpu += QUIET_CPU_MICROS + 1), quiet: () => (state.cpu += QUIET_CPU_MICROS / 10) };
}

describe('IdleMemoryRelease', () => {
  it('does nothing in a process that was never busy', () => {
    const { state, probe, quiet } = fakeProcess();
    const release = new IdleMemoryRelease(probe);
    for (let i = 0; i < 20; i++) {
      quiet();
      release.check();
    }
    expect(state.collections).toEqual([]);
  });

  it('does nothing while the process is busy', () => {
    const { state, probe, busy } = fakeProcess();
    const release = new IdleMemoryRelease(probe);
    for (let i = 0; i < 20; i++) {
      busy();
      release.check();
    }
    expect(state.collections).toEqual([]);
  });

  it('after a burst: one full collection, then young ones until the young generation has shrunk', () => {
    const { state, probe, busy, quiet } = fakeProcess();
    state.shrinkAfter = 3;
    const release = new IdleMemoryRelease(probe);
    busy();
    release.check();
    for (let i = 0; i < 10; i++) {
      quiet();
      release.check();
    }
    expect(state.collections).toEqual(['major', 'minor', 'minor']);
    expect(state.young).toBeLessThanOrEqual(YOUNG_SHRUNK_BYTES);
  });

  it('stops after the first full collection when the young generation never grew (the relay holds it)', () => {
    const { state, probe, busy, quiet } = fakeProcess(4 * MiB);
    const release = new IdleMemoryRelease(probe);
    busy();
    release.check();
    for (let i = 0; i < 5; i++) {
      quiet();
      release.check();
    }
    expect(state.collections).toEqual(['major']);
  });

  it('gives up after MAX_COLLECTIONS when V8 keeps the young generation, and starts over after the next burst', () => {
    const { state, probe, busy, quiet } = fakeProcess();
    const release = new IdleMemoryRelease(probe);
    busy();
    release.check();
    for (let i = 0; i < MAX_COLLECTIONS * 2; i++) {
      quiet();
      release.check();
    }
    expect(state.collections).toHaveLength(MAX_COLLECTIONS);
    busy();
    release.check();
    quiet();
    release.check();
    expect(state.collections.at(-1)).toBe('major');
    expect(state.collections).toHaveLength(MAX_COLLECTIONS + 1);
  });

  it('a burst in the middle of the collections starts them over with a full one', () => {
    const { state, probe, busy, quiet } = fakeProcess();
    const release = new IdleMemoryRelease(probe);
    busy();
    release.check();
    quiet();
    release.check();
    quiet();
    release.check();
    busy();
    release.check();
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
});
