// Hands the free pages of glibc's malloc heaps back to the kernel (malloc_trim(3)): the idle release's last step.
//
// After a burst, `listen`'s main malloc heap spans 15-19 MiB with about 5 MiB in use. Node's socket reads take a
// 64 KiB buffer each and give JavaScript an exact-size copy that lives until the next collection; interleaved, they
// leave free chunks all through the heap, and glibc only ever returns the top of it by itself. Those pages stay
// resident for the life of the process (the bench's "10 s after" row: ~89 MiB, of which malloc_trim frees ~14).
//
// Node has no way to call a C function, but SQLite's extension loader is one: sqlite3_load_extension(db, file, entry)
// opens a shared library and calls `entry(db, &error, api)`. glibc's `malloc_trim(size_t pad)` reads the connection
// pointer as the padding to leave at the top of the main heap (so the top is left to glibc's own trimming) and gives
// back every whole free page below it, in every arena. It returns 1 when it released memory, which SQLite reports as
// a failed initialisation, and 0 when there was nothing to release. Anywhere without glibc (macOS, musl, Windows) the
// library or the symbol is missing and the step turns itself off.

import Database from 'better-sqlite3';

const GLIBC = 'libc.so.6';

export type HeapTrim = 'released' | 'nothing to release' | 'unavailable';

/** better-sqlite3 takes the entry point as a second argument (its docs: `.loadExtension(path, [entryPoint])`); its types omit it. */
type Loader = Database.Database & { loadExtension(path: string, entryPoint: string): Loader };

let connection: Loader | undefined;
let unavailable = process.platform !== 'linux';

/** Gives free malloc pages back to the kernel; says whether it did. Takes a few milliseconds: call it when idle. */
export function returnFreeHeapPages(): HeapTrim {
  if (unavailable) return 'unavailable';
  try {
    connection ??= new Database(':memory:') as Loader;
    connection.loadExtension(GLIBC, 'malloc_trim');
    return 'nothing to release';
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('error during initialization')) return 'released';
    unavailable = true;
    connection?.close();
    connection = undefined;
    return 'unavailable';
  }
}
