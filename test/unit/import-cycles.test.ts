// No import cycles among the project's sources: dependencies run one way (commands → actions → library modules).

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildImportGraph, describeCycle, findCycles, importSpecifiers, resolveSpecifier, type ImportGraph } from '../helpers/import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the project sources', () => {
  it('have no import cycles (type-only and dynamic imports included)', () => {
    const graph = buildImportGraph([join(ROOT, 'src'), join(ROOT, 'relay-server')]);
    // The walk must have seen the CLI's command and action modules, or an empty graph would pass.
    expect([...graph.keys()].some((file) => file.endsWith('src/cli/commands/replay.ts'))).toBe(true);
    expect(graph.get(join(ROOT, 'src/cli/commands/replay.ts'))).toContain(join(ROOT, 'src/cli/actions/replay.ts'));
    expect(findCycles(graph).map((cycle) => describeCycle(cycle, ROOT))).toEqual([]);
  });
});

describe('findCycles', () => {
  const graph = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

  it.each([
    ['no edges', { a: [], b: [] }, []],
    ['a chain', { a: ['b'], b: ['c'], c: [] }, []],
    ['a diamond', { a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }, []],
    ['two files', { a: ['b'], b: ['a'] }, [['a', 'b', 'a']]],
    ['a file importing itself', { a: ['a'] }, [['a', 'a']]],
    ['three files', { a: ['b'], b: ['c'], c: ['a'] }, [['a', 'b', 'c', 'a']]],
    ['a cycle reached through another file', { a: ['b'], b: ['c'], c: ['b'] }, [['b', 'c', 'b']]],
    ['two separate cycles', { a: ['b'], b: ['a'], c: ['d'], d: ['c'] }, [['a', 'b', 'a'], ['c', 'd', 'c']]],
  ])('%s', (_name, edges, expected) => {
    expect(findCycles(graph(edges))).toEqual(expected);
  });
});

describe('reading imports', () => {
  it('finds static, type-only, re-exported, side-effect and dynamic imports, not text in comments or strings', () => {
    const source = [
      `import { a } from './a.js';`,
      `import type { B } from '../b.js';`,
      `export { c } from './c.js';`,
      `import './side-effect.js';`,
      `const d = await import('./d.js');`,
      `// import { e } from './e.js';`,
      'const help = `run: hooktunnel import --from ./f.js`;',
      `import {`,
      `  g,`,
      `} from 'commander';`,
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(['../b.js', './a.js', './c.js', './d.js', './side-effect.js', 'commander']);
  });

  it('resolves ESM .js specifiers to the .ts or .tsx source, and ignores packages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-graph-'));
    try {
      mkdirSync(join(dir, 'cli'));
      for (const file of ['cli/main.ts', 'App.tsx', 'cli/cycle-a.ts', 'cli/cycle-b.ts']) writeFileSync(join(dir, file), '');
      writeFileSync(join(dir, 'cli/cycle-a.ts'), `import type { B } from './cycle-b.js';\n`);
      writeFileSync(join(dir, 'cli/cycle-b.ts'), `export const b = () => import('./cycle-a.js');\nimport '../App.js';\n`);
      const main = join(dir, 'cli/main.ts');
      expect(resolveSpecifier(main, '../App.js')).toBe(join(dir, 'App.tsx'));
      expect(resolveSpecifier(main, './cycle-a.js')).toBe(join(dir, 'cli/cycle-a.ts'));
      expect(resolveSpecifier(main, 'commander')).toBeUndefined();
      expect(resolveSpecifier(main, './missing.js')).toBeUndefined();
      const cycles = findCycles(buildImportGraph([dir])).map((cycle) => describeCycle(cycle, dir));
      expect(cycles).toEqual(['cli/cycle-a.ts → cli/cycle-b.ts → cli/cycle-a.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
