// `hooktunnel show`: --raw --response without a response is an error, and every flag combination either does what it
// says or is refused as a usage error naming the flags.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { jsonLines, runCli, tempHome } from '../helpers/cli.js';

const home = tempHome();
afterAll(() => home.cleanup());
const show = (...argv: string[]) => runCli(['show', ...argv, '--db', home.db], { env: home.env });

beforeAll(() => {
  const store = Store.open(home.db);
  const start = { deliveryId: null, replayOf: null, url: null, target: 'http://localhost:3000', receivedAt: Date.now(), method: 'POST', path: '/hook', headers: [['Content-Type', 'application/json']] as [string, string][] };
  const ok = store.begin({ ...start, body: Buffer.from('{"a":1}') });
  ok.respond(200, [['Content-Type', 'text/plain']]);
  ok.appendResponseBody(Buffer.from('answered'));
  ok.complete(2);
  const failed = store.begin({ ...start, body: Buffer.from('{"a":2}') });
  failed.fail(502, 'local_unreachable', 'cannot reach http://localhost:3000: connection refused', 1);
  // Left pending by this (live) process.
  store.begin({ ...start, body: Buffer.from('{"a":3}') });
  store.close();
});

describe('show --raw --response', () => {
  it('writes the exact response bytes when there is a response', async () => {
    const result = await show('1', '--raw', '--response');
    expect(result).toMatchObject({ code: 0, stdout: 'answered', stderr: '' });
    expect((await show('1', '--raw', '--request')).stdout).toBe('{"a":1}');
  });

  it.each([
    ['2', 'exchange #2 has no response body to write: it failed: cannot reach http://localhost:3000: connection refused'],
    ['3', 'exchange #3 has no response body to write: it is still waiting for an answer'],
  ])('#%s without a response: one message on stderr, exit 1, nothing on stdout', async (id, message) => {
    const result = await show(id, '--raw', '--response');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: ${message}\nhint: \`hooktunnel show ${id}\` shows what happened; \`--raw\` without --response writes the request body\n`);
  });
});

describe('show flag combinations', () => {
  it.each([
    [['--request', '--response'], '--request and --response cannot be used together'],
    [['--raw', '--curl'], '--raw and --curl cannot be used together'],
    [['--json', '--raw'], '--json and --raw cannot be used together'],
    [['--json', '--har'], '--json and --har cannot be used together'],
    [['--curl', '--httpie'], '--curl and --httpie cannot be used together'],
    [['--response', '--json'], '--response cannot be used with --json'],
    [['--request', '--json'], '--request cannot be used with --json'],
    [['--response', '--curl'], '--response cannot be used with --curl'],
    [['--request', '--har'], '--request cannot be used with --har'],
    [['--to', '4000'], '--to only applies to --curl or --httpie'],
    [['--raw', '--to', '4000'], '--to only applies to --curl or --httpie'],
  ])('%j is a usage error naming the flags', async (flags, message) => {
    const result = await show('1', ...flags);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    if (flags.includes('--json')) {
      // With --json, the same words as one JSON error (README, "Errors with --json").
      expect(jsonLines(result.stderr)).toEqual([{ error: { code: 'usage', message, hint: expect.any(String) } }]);
      return;
    }
    expect(result.stderr.split('\n')[0]).toBe(`error: ${message}`);
    expect(result.stderr).toContain('hint: ');
  });

  it('the combinations that remain do what they say', async () => {
    const response = await show('1', '--response');
    expect(response.code).toBe(0);
    expect(response.stdout).toContain('answered');
    expect(response.stdout).not.toContain('{"a":1}');
    const request = await show('1', '--request');
    expect(request.stdout).toContain('"a": 1');
    expect(request.stdout).not.toContain('answered');
    expect(JSON.parse((await show('1', '--json')).stdout)).toMatchObject({ id: 1, status: 200 });
    expect((await show('1', '--curl', '--to', '4000')).stdout).toContain('http://localhost:4000/hook');
  });
});
