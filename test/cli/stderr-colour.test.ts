// Colour follows each stream: with stdout on a terminal and stderr sent to a file (`hooktunnel show 12 2>err.log`),
// the terminal gets colour and the file gets plain words, without escape sequences (chalk's default instance judges by
// stdout alone).

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { BIN, tempHome } from '../helpers/cli.js';

// `script` (util-linux) runs the command in a pseudo-terminal, as a person's shell would.
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
if (!HAS_SCRIPT) console.warn('stderr-colour: skipped, `script` (util-linux) is not installed');

const home = tempHome();
afterAll(() => home.cleanup());
Store.open(home.db).close();

/** Runs the CLI with stdout on a colour terminal and stderr to a file; what the file got. */
function stderrToFile(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...home.env, TERM: 'xterm-256color' };
  for (const key of Object.keys(env)) if (key.startsWith('HOOKTUNNEL_') || key === 'NO_COLOR' || key === 'FORCE_COLOR') delete env[key];
  const file = join(home.dir, 'err.log');
  const command = `${[process.execPath, BIN, ...args].join(' ')} 2>${file}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr: readFileSync(file, 'utf8') }));
  });
}

describe.skipIf(!HAS_SCRIPT)('stderr sent to a file while stdout is a terminal', () => {
  it('gets an error and its hint without colour codes', async () => {
    const { code, stderr } = await stderrToFile(['show', '424242', '--db', home.db]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: no exchange #424242/);
    expect(stderr).toContain('\nhint: ');
    expect(stderr).not.toContain('\x1b');
  });

  it('gets a warning without colour codes', async () => {
    // No app on port 9 (discard): the warning about the missing secret comes first, then the delivery's failure.
    const { stderr } = await stderrToFile(['trigger', 'stripe', 'payment_intent.succeeded', '--to', '9', '--db', home.db]);
    expect(stderr).toContain('warning: no secret configured for stripe; sending unsigned');
    expect(stderr).not.toContain('\x1b');
  });
});
