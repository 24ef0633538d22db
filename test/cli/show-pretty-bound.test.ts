// `hooktunnel show` prints the pretty JSON of a body only up to a bound: nesting indents every line inside it, so a
// small body can pretty-print to hundreds of megabytes (a 61 KB gzip body took show 17 s and 4 GB).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PRETTY_CHARS } from '../../src/output/body-view.js';
import { Store } from '../../src/store/store.js';
import { runCli, tempHome } from '../helpers/cli.js';

const home = tempHome();
afterAll(() => home.cleanup());

// Arrays 1,000 deep, repeated: 40 KB whose pretty form is ~40 million characters, over twice the bound.
const nest = `${'['.repeat(1000)}${']'.repeat(1000)}`;
const body = Buffer.from(`[${new Array(20).fill(nest).join(',')}]`);

beforeAll(() => {
  const store = Store.open(home.db);
  const json: [string, string][] = [['Content-Type', 'application/json']];
  const recording = store.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://localhost:3000', receivedAt: Date.now(), method: 'POST', path: '/deep', headers: json, body });
  recording.respond(200, [['Content-Type', 'text/plain']]);
  recording.appendResponseBody(Buffer.from('ok'));
  recording.complete(2);
  store.close();
});

describe('a JSON body whose pretty form is far larger than the body', () => {
  it('show prints its first part, says so, and goes on to the response', async () => {
    const result = await runCli(['show', '1', '--db', home.db], { env: home.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBeLessThan(MAX_PRETTY_CHARS + 100_000);
    // Tested as booleans: a failure message quoting 16 MB of output takes vitest a long time to write.
    const note = `body: ${body.length.toLocaleString('en-US')} bytes, application/json (pretty-printed in part: the first ${MAX_PRETTY_CHARS.toLocaleString('en-US')} characters)`;
    expect(result.stdout.includes(note), note).toBe(true);
    expect(/…\n\nResponse\n/.test(result.stdout), 'the cut is marked, then the response follows').toBe(true);
  });

  it('--raw still writes every byte', async () => {
    const result = await runCli(['show', '1', '--raw', '--db', home.db], { env: home.env });
    expect(result.stdoutBytes.equals(body)).toBe(true);
  });
});
