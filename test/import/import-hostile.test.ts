// A hostile HAR archive: whatever it carries is network data, escaped in every terminal output that shows it.

import { constants } from 'node:buffer';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** An OSC title write and a colour change: neither may reach the terminal as bytes. */
const ESCAPES = '\x1b]0;pwned\x07\x1b[31m';

describe('hooktunnel import of a hostile archive', () => {
  it('escapes an error code from the archive in show, as every other recorded field', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const file = join(home.dir, 'hostile.har');
    const target = 'http://127.0.0.1:9';
    writeFileSync(
      file,
      JSON.stringify({
        log: {
          version: '1.2',
          entries: [
            {
              startedDateTime: '2026-01-01T00:00:00Z',
              time: 5,
              request: { method: 'POST', url: `${target}/hook`, headers: [], postData: { mimeType: 'text/plain', text: 'half' } },
              response: { status: 0 },
              _hooktunnel: { target, path: '/hook', requestComplete: false, error: { code: `local_error${ESCAPES}`, message: 'cut off' } },
            },
          ],
        },
      }),
    );
    const imported = await runCli(['import', file, '--json', '--db', home.db], { env: home.env });
    expect(imported.code).toBe(0);
    const [id] = JSON.parse(imported.stdout).imported as number[];

    const shown = await runCli(['show', String(id), '--db', home.db], { env: home.env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('local_error\\e]0;pwned\\x07\\e[31m: cut off');
    expect(shown.stdout).not.toContain('\x1b');
    expect(shown.stdout).not.toContain('\x07');
  });

  it('refuses a body that is not base64 at once, however many spaces come before the wrong character', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const file = join(home.dir, 'spaces.har');
    // 200 000 spaces then "!": a backtracking check tries every split of the spaces (about a minute; hours at 1 MB).
    const text = `${' '.repeat(200_000)}!`;
    const entry = { startedDateTime: '2026-01-01T00:00:00Z', request: { method: 'POST', url: 'http://127.0.0.1:9/hook', postData: { text, encoding: 'base64' } } };
    writeFileSync(file, JSON.stringify({ log: { version: '1.2', entries: [entry] } }));
    const imported = await runCli(['import', file, '--db', home.db], { env: home.env });
    expect(imported.stderr).toContain('entry 0: request.postData.text is not valid base64');
    expect(imported.code).toBe(2);
  });

  it('refuses an archive too large for one string in words, not with a crash and a stack trace', async () => {
    const home = tempHome();
    cleanups.push(home.cleanup);
    const file = join(home.dir, 'huge.har');
    // Sparse: one byte more than a JavaScript string may hold, without writing half a gigabyte.
    writeFileSync(file, '');
    truncateSync(file, constants.MAX_STRING_LENGTH + 1);
    const imported = await runCli(['import', file, '--db', home.db], { env: home.env });
    expect(imported.stderr).not.toContain('crashed');
    expect(imported.stderr).toContain('is too large to import at once');
    expect(imported.code).toBe(2);
  });
});
