// `show --raw` writes a body's exact bytes to a file or a pipe, but not to a terminal when the terminal would act on
// them: a sender's escape sequences there could set the title, rewrite the screen or (OSC 52) the clipboard.

import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { BIN, runCli, tempHome } from '../helpers/cli.js';

// `script` (util-linux) runs the command in a pseudo-terminal, as a person's shell would.
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
if (!HAS_SCRIPT) console.warn('show-raw-terminal: skipped, `script` (util-linux) is not installed');

const home = tempHome();
afterAll(() => home.cleanup());

const HOSTILE = Buffer.from('{"note":"\x1b]52;c;aGk=\x07\x1b]0;pwned\x07\x1b[2J"}');
const PLAIN = Buffer.from('{"plain":"text, é and tabs\t"}\n');

beforeAll(() => {
  const store = Store.open(home.db);
  for (const body of [HOSTILE, PLAIN]) {
    const recording = store.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://localhost:3000', receivedAt: Date.now(), method: 'POST', path: '/raw', headers: [['Content-Type', 'application/json']], body });
    recording.respond(200, []);
    recording.complete(1);
  }
  store.close();
});

/** Runs the CLI with its stdout (and stderr) on a terminal; what the terminal got, and the exit code. */
function onTerminal(args: string[]): Promise<{ code: number | null; screen: string }> {
  const env = { ...process.env, ...home.env };
  for (const key of Object.keys(env)) if (key.startsWith('HOOKTUNNEL_')) delete env[key];
  const command = [process.execPath, BIN, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen: Buffer.concat(out).toString() }));
  });
}

describe.skipIf(!HAS_SCRIPT)('show --raw', () => {
  it('refuses to write escape sequences to a terminal, and says how to get the bytes', async () => {
    const { code, screen } = await onTerminal(['show', '1', '--raw', '--db', home.db]);
    expect(code).toBe(2);
    expect(screen).not.toContain('\x1b]');
    expect(screen).toContain('error: the request body of #1 holds terminal control characters (escape sequences): written raw to this terminal, the sender\'s bytes could act on it');
    expect(screen).toContain('`hooktunnel show 1 --raw > body.bin`');
  });

  it('writes a body a terminal only shows', async () => {
    const { code, screen } = await onTerminal(['show', '2', '--raw', '--db', home.db]);
    expect(code).toBe(0);
    // The terminal turns the newline into CR LF.
    expect(screen).toBe(PLAIN.toString().replace('\n', '\r\n'));
  });

  it('writes every byte to a pipe, escape sequences too', async () => {
    const result = await runCli(['show', '1', '--raw', '--db', home.db], { env: home.env });
    expect(result.code).toBe(0);
    expect(result.stdoutBytes.equals(HOSTILE)).toBe(true);
  });
});
