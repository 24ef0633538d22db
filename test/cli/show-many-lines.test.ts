// `hooktunnel show` and `wait` print a JSON body of any number of lines: a 5 MB GitHub push pretty-prints to over
// 125,000 lines, more than a function call can take as spread arguments (that crashed with a RangeError).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli, tempHome } from '../helpers/cli.js';

const home = tempHome();
afterAll(() => home.cleanup());

const ELEMENTS = 200_000;
const body = Buffer.from(JSON.stringify({ commits: new Array(ELEMENTS).fill(0) }));

beforeAll(() => {
  const store = Store.open(home.db);
  const json: [string, string][] = [['Content-Type', 'application/json']];
  const recording = store.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://localhost:3000', receivedAt: Date.now(), method: 'POST', path: '/webhooks/github', headers: json, body });
  recording.respond(200, json);
  recording.appendResponseBody(body);
  recording.complete(2);
  store.close();
});

describe('a body of more lines than a call takes arguments', () => {
  it('show prints the request and the response whole', async () => {
    const result = await runCli(['show', '1', '--db', home.db], { env: home.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Both bodies, every element on its own line.
    expect(result.stdout.split('\n').filter((line) => line === '      0,')).toHaveLength(2 * (ELEMENTS - 1));
  });

  it('wait prints it too', async () => {
    const result = await runCli(['wait', '--since', '0', '--db', home.db], { env: home.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Response');
  });
});
