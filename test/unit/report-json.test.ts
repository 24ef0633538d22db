// main.ts's handler for a command run with --json: a crash is still a bug to report, with its stack, but in the one
// JSON error shape a script reads (README, "Errors with --json"), not lines of words among them.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { report } from '../../src/cli/main.js';

afterEach(() => vi.restoreAllMocks());

describe('report with json', () => {
  it('writes a crash as one JSON error with code bug and the stack, exit 1', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const exitCode = await report(new TypeError('cannot read properties of undefined'), { json: true });
    expect(exitCode).toBe(1);
    expect(written).toHaveLength(1);
    expect(written[0].endsWith('}\n')).toBe(true);
    const { error } = JSON.parse(written[0]);
    expect(error).toMatchObject({ code: 'bug', message: 'hooktunnel crashed; this is a bug, please report it: cannot read properties of undefined', hint: null });
    expect(error.stack).toMatch(/^TypeError: cannot read properties of undefined\n\s+at /);
  });
});
