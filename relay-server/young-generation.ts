// Keeps V8's young generation at the size start-up left it (1-2 MiB per semi-space) in the relay process.
//
// V8 doubles the young generation (up to 16 MiB per semi-space) while a process allocates fast, and does not give it
// back when the burst ends. For the relay the bigger nursery buys nothing measurable: two relays loaded side by side
// with wrk c=50 spent the same CPU per request within noise (±10 %), and the held one ended 30-50 MiB smaller in RSS.
//
// `--max-semi-space-size` only works on the command line (V8 reads it once, when the heap is set up), which `hooktunnel
// relay` does not own; the growth factor is read each time the young generation would grow, so setting it to 1 at run
// time holds the young generation where it is. Node warns that flags set after start-up may have no effect
// (nodejs.org/api/v8.html#v8setflagsfromstringflags); this one does: v8.getHeapSpaceStatistics() shows new_space
// staying at 4 MiB under load instead of growing to 32 MiB.

import { setFlagsFromString } from 'node:v8';

/** Stops the young generation from growing from here on. */
export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
