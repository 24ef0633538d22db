// Where `hooktunnel import` reads from. `import -` must wait for a slow producer. `readFileSync(0)` failed with EAGAIN when the pipe's open file
// was non-blocking (as a parent or the other end of a pipeline can leave it) and the rest had not been written yet.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli, tempHome } from '../helpers/cli.js';
import { waitFor } from '../helpers/http.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

// Blocked waiting for input in the event loop (not starting up, not exited).
const waitingForInput = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/wchan`, 'utf8') === 'do_epoll_wait';
  } catch {
    return true; // exited: the result says why
  }
};

describe('hooktunnel import -', () => {
  it('reads a HAR from a non-blocking stdin written in two parts, waiting for the second', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const har = JSON.stringify({
      log: { version: '1.2', entries: [{ startedDateTime: new Date().toISOString(), request: { method: 'POST', url: 'http://127.0.0.1:9/x', headers: [], postData: { mimeType: 'text/plain', text: 'é!' } }, response: { status: 0 } }] },
    });
    // perl (perl-base, always there) leaves the shared pipe non-blocking, then the shell runs the CLI on the same stdin.
    const script = `perl -e 'use Fcntl; fcntl(STDIN, F_SETFL, fcntl(STDIN, F_GETFL, 0) | O_NONBLOCK) or die "fcntl: $!"' && exec "$@"`;
    const child = spawn('sh', ['-c', script, 'sh', process.execPath, BIN, 'import', '-', '--json', '--db', home.db], { env: { ...process.env, ...home.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    cleanups.push(() => child.kill());
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    // The split falls inside "é", so the reader must join bytes before decoding.
    const bytes = Buffer.from(har);
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    child.stdin.write(bytes.subarray(0, cut));
    await waitFor(() => child.pid !== undefined && waitingForInput(child.pid), 'import waiting for the rest of stdin');
    child.stdin.end(bytes.subarray(cut));

    expect(await exited).toBe(0);
    expect(Buffer.concat(err).toString()).toBe('');
    expect(JSON.parse(Buffer.concat(out).toString())).toMatchObject({ imported: [1] });
    const shown = await runCli(['show', '1', '--raw', '--db', home.db], { env: home.env });
    expect(shown.stdout).toBe('é!');
  });
});

describe('hooktunnel import <file>', () => {
  it('names a missing file in words, with exit 2 (a usage mistake)', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const result = await runCli(['import', `${home.dir}/nope.har`, '--db', home.db], { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: could not read ${home.dir}/nope.har: no such file\nhint: check the path\n`);
  });
});
