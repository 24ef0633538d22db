// Cleanup that always runs: whatever a test starts (servers, processes, temp dirs) is undone after it, last first,
// whether it passed or failed. Importing this module registers the afterEach hook in the importing test file.

import { afterEach } from 'vitest';

const cleanups: (() => unknown)[] = [];

export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
