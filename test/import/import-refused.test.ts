// An archive `hooktunnel import` cannot take is a usage mistake (README, Exit codes): exit 2, the file and what is wrong
// with it named, what to do said, and nothing imported (not even a database created), from a file or from stdin.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const goodEntry = { startedDateTime: '2026-01-01T00:00:00Z', request: { method: 'POST', url: 'http://127.0.0.1:9/hook', headers: [] } };

describe('hooktunnel import of an archive it cannot take', () => {
  it.each([
    { what: 'not JSON', text: '{"log": {', error: 'is not JSON', hint: 'export a HAR from the browser devtools' },
    { what: 'JSON but not HAR (an export --json file)', text: '[]', error: 'is not a HAR archive: it has no log.entries array', hint: 'an `export --json` file cannot be imported' },
    {
      what: 'HAR with one bad entry after a good one',
      text: JSON.stringify({ log: { entries: [goodEntry, { request: { method: 'GET', url: 'nope' } }] } }),
      error: 'entry 1: request.url "nope" is not an absolute URL',
      hint: 'nothing was imported; fix or remove that entry',
    },
  ])('$what: exit 2, names the problem, imports nothing', async ({ text, error, hint }) => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const file = join(home.dir, 'in.har');
    writeFileSync(file, text);
    for (const [source, input] of [[file, undefined], ['-', text]]) {
      const result = await runCli(['import', source!, '--db', home.db], { env: home.env, input });
      expect(result.code).toBe(2);
      expect(result.stderr.startsWith(`error: ${source}`)).toBe(true);
      expect(result.stderr).toContain(error);
      expect(result.stderr).toContain(`\nhint: `);
      expect(result.stderr).toContain(hint);
      expect(result.stdout).toBe('');
      expect(existsSync(home.db)).toBe(false);
    }
  });
});
