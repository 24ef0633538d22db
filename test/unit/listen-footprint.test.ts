// What `listen` loads before it forwards anything. Each package is resident memory for as long as the tunnel runs, so
// the ones only some runs need are loaded when needed: ioredis (a relay cluster), yaml (a hooktunnel.yml), the relay
// itself (the embedded one), undici's index (fetch, WebSocket, caches; the forwarder takes its Pool alone).

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadedAtStart, loadTimeSpecifiers } from '../helpers/import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('listen', () => {
  it('loads at start only the packages every run needs', () => {
    const { files, packages } = loadedAtStart(join(ROOT, 'src/cli/actions/listen.ts'));
    // The walk must have reached the forwarder and the store, or an empty set would pass.
    expect(files).toContain(join(ROOT, 'src/forward/undici-forward.ts'));
    expect(files).toContain(join(ROOT, 'src/store/store.ts'));
    expect([...packages].sort()).toEqual(['better-sqlite3', 'chalk', 'commander', 'ws']);
    expect([...files].filter((file) => file.includes('/relay-server/'))).toEqual([]);
  });
});

describe('loadTimeSpecifiers', () => {
  it('keeps imports and re-exports evaluated at load, drops type-only and dynamic ones', () => {
    const source = [
      "import a from 'a';",
      "import { b, type B } from 'b';",
      "import type { C } from 'c';",
      "import { type D } from 'd';",
      "import * as e from 'e';",
      "import 'f';",
      "export { g } from 'g';",
      "export type { H } from 'h';",
      "const i = await import('i');",
    ].join('\n');
    expect(loadTimeSpecifiers(source)).toEqual(['a', 'b', 'e', 'f', 'g']);
  });
});
