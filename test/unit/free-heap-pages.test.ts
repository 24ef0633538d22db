import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { returnFreeHeapPages } from '../../src/free-heap-pages.js';
import { v8MemoryProbe } from '../../src/idle-memory.js';

const MiB = 1024 * 1024;

/** Resident bytes of glibc's main heap (the `[heap]` mapping): V8's own pages, freed meanwhile by its threads, are not in it. */
function mainHeapResident(): number {
  const smaps = readFileSync('/proc/self/smaps', 'utf8');
  const heap = smaps.slice(smaps.indexOf('[heap]'));
  return Number(/^Rss:\s+(\d+) kB/m.exec(heap)![1]) * 1024;
}
const glibc = process.platform === 'linux' && Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

describe('returnFreeHeapPages', () => {
  it.runIf(glibc)("hands the pages of freed buffers in the middle of malloc's heap back to the kernel", async () => {
    // What a burst of socket reads leaves: freed buffers between ones that stay, so no free page is at the heap's top
    // (where glibc would give it back by itself). 1,000 of 60,000 bytes freed: 57 MiB.
    let buffers: (Buffer | undefined)[] = [];
    for (let i = 0; i < 2_000; i++) buffers.push(Buffer.allocUnsafeSlow(60_000).fill(1));
    buffers = buffers.map((buffer, i) => (i % 2 === 0 ? undefined : buffer));
    // V8 frees a collected buffer's memory on a background thread, some time after the collection: a few rounds.
    let released = 0;
    for (let round = 0; round < 50 && released < 48 * MiB; round++) {
      v8MemoryProbe().collect('major');
      await new Promise(setImmediate);
      const before = mainHeapResident();
      expect(returnFreeHeapPages()).toBe('released');
      released += before - mainHeapResident();
    }
    expect(released).toBeGreaterThan(48 * MiB);
    expect(buffers.filter(Boolean)).toHaveLength(1_000);
  });

  it.runIf(!glibc)('says it is unavailable where there is no glibc, and changes nothing', () => {
    expect(returnFreeHeapPages()).toBe('unavailable');
  });
});
