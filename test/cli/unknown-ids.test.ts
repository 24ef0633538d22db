// Every command that takes exchange ids, run for real with an id that is not recorded and with one that is not an id:
// the exit code the README's "Exit codes" gives (1 not found, 2 bad usage; diff 2 for both, its 1 being "they differ"),
// a message naming the id and the database, a hint saying what to do, and nothing done when one id of several is unknown.

import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { onCleanup } from '../helpers/cleanup.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp, waitFor } from '../helpers/http.js';
import { homeWithApp, record } from './recorded.js';

/** What to do about an id with no exchange, in words and in a JSON error's `hint`. */
const SEE_IDS = 'run `hooktunnel ls` to see the recorded ids';

async function oneRecorded() {
  const home = await homeWithApp();
  // A 500: neither retry nor replay would refuse it for its own sake, so only the unknown id can stop them.
  record(home.db, [{ target: home.app.url, status: 500 }]);
  return home;
}

describe('an unknown exchange id', () => {
  it.each([
    { argv: ['show', '999'], code: 1 },
    { argv: ['show', '999', '--raw'], code: 1 },
    { argv: ['show', '999', '--curl'], code: 1 },
    { argv: ['diff', '1', '999'], code: 2, undone: 'nothing compared' },
    { argv: ['diff', '998', '999'], code: 2, missing: 'no exchanges #998, #999', undone: 'nothing compared' },
    { argv: ['replay', '999'], code: 1 },
    { argv: ['replay', '1', '999'], code: 1, undone: 'nothing replayed' },
    { argv: ['retry', '999'], code: 1 },
    { argv: ['retry', '1', '999'], code: 1, undone: 'nothing retried' },
    { argv: ['verify', '999'], code: 1 },
    { argv: ['verify', '1', '999'], code: 1, undone: 'nothing verified' },
  ].map((c) => ({ ...c, command: c.argv.join(' ') })))('$command: exit $code, names it, says to run ls, does nothing', async ({ argv, code, missing, undone }) => {
    const { db, env, app } = await oneRecorded();
    const result = await runCli([...argv, '--db', db], { env });
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    const named = missing ?? 'no exchange #999';
    expect(result.stderr).toContain(`error: ${named} in ${db}${undone ? `; ${undone}` : ''}\n`);
    const leaveOut = undone ? `, or leave ${named.replace(/^no exchanges? /, '')} out` : '';
    expect(result.stderr).toContain(`hint: run \`hooktunnel ls\` to see the recorded ids${leaveOut}\n`);
    expect(result.stderr).not.toContain('    at ');
    expect(app.received).toEqual([]);
  });
});

describe('an unknown exchange id with --json', () => {
  it.each([
    { argv: ['replay', '999'], undone: 'nothing replayed', errors: [{ replayOf: 999, id: null }] },
    { argv: ['replay', '1', '998', '999', '998'], undone: 'nothing replayed', errors: [{ replayOf: 998, id: null }, { replayOf: 999, id: null }] },
    { argv: ['retry', '999'], undone: 'nothing retried', errors: [{ id: 999 }] },
    { argv: ['retry', '1', '998', '999'], undone: 'nothing retried', errors: [{ id: 998 }, { id: 999 }] },
    { argv: ['verify', '999'], undone: 'nothing verified', errors: [{ id: 999 }] },
    { argv: ['verify', '1', '998', '999'], undone: 'nothing verified', errors: [{ id: 998 }, { id: 999 }] },
  ].map((c) => ({ ...c, command: c.argv.join(' ') })))('$command --json: exit 1, one JSON error per missing id on stderr, nothing done', async ({ argv, undone, errors }) => {
    const { db, env, app } = await oneRecorded();
    const result = await runCli([...argv, '--db', db, '--json'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const missing = (fields: { replayOf?: number; id: number | null }) => fields.replayOf ?? fields.id;
    expect(result.stderr.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(
      errors.map((fields) => ({ error: { code: 'not_found', message: `no exchange #${missing(fields)} in ${db}; ${undone}`, hint: SEE_IDS, ...fields } })),
    );
    expect(app.received).toEqual([]);
  });
});

describe('an exchange deleted while the command runs', () => {
  // What each command says on stderr for the deleted one, in words and with --json.
  const gone = {
    retry: (id: number) => `error: no exchange #${id} (it was deleted meanwhile, by a prune?); not retried\nhint: run \`hooktunnel ls\` to see the recorded ids\n`,
    replay: (id: number) => `error: #${id} was deleted before it could be replayed\n`,
  };
  const goneJson = {
    retry: (id: number) => ({ error: { code: 'not_found', message: `no exchange #${id} (it was deleted meanwhile, by a prune?); not retried`, hint: SEE_IDS, id } }),
    replay: (id: number) => ({ error: { code: 'not_found', message: `#${id} was deleted before it could be replayed`, hint: SEE_IDS, replayOf: id, id: null } }),
  };

  it.each([
    { command: 'retry' as const, json: false },
    { command: 'retry' as const, json: true },
    { command: 'replay' as const, json: false },
    { command: 'replay' as const, json: true },
  ])(
    '$command (json: $json) says it is gone, not that someone is delivering it, sends the ids after it, and exits 1 as for any unknown id',
    async ({ command, json }) => {
      const h = tempHome();
      onCleanup(h.cleanup);
      const held: ServerResponse[] = [];
      const app = await startLocalApp((req, res) => (req.url === '/first' ? held.push(res) : res.end('ok')));
      onCleanup(() => app.close());
      const paths = ['/first', '/second', '/third'];
      const [first, second, third] = record(h.db, paths.map((path) => ({ target: app.url, path })));
      const running = runCli([command, String(first), String(second), String(third), '--db', h.db, ...(json ? ['--json'] : [])], { env: h.env });
      // All were looked up before #first went out; #second goes (a prune in another terminal) while the app holds it.
      await waitFor(() => held.length === 1, '#first at the app');
      const store = Store.open(h.db);
      store.remove(second);
      store.close();
      held[0].end('ok');
      const result = await running;
      expect(result.code).toBe(1);
      if (json) expect(result.stderr.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual([goneJson[command](second)]);
      // A bulk replay in words adds its progress lines and summary around the error.
      else expect(result.stderr).toContain(gone[command](second));
      expect(app.received.map((r) => r.url)).toEqual(['/first', '/third']);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      const sentFor = (exchange: { id: number; replayOf: number | null }) => (command === 'replay' ? exchange.replayOf : exchange.id);
      if (json) expect(lines.map((line) => sentFor(JSON.parse(line)))).toEqual([first, third]);
    },
  );
});

describe('something that is not an exchange id', () => {
  // Anything but a number is looked up as an event id (event-ids.test.ts); these are neither, a slip of the keyboard or
  // of shell quoting.
  it.each([['show', '#abc'], ['show', '0'], ['diff', '1', '#x'], ['replay', '1', '-2'], ['retry', '1 2'], ['verify', ' 1'], ['show', 'evt\u001b[2J']].map((argv) => ({ argv, command: JSON.stringify(argv.join(' ')) })))(
    '$command: exit 2, says what an id is',
    async ({ argv }) => {
      const { db, env, app } = await oneRecorded();
      const result = await runCli([...argv, '--db', db], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: ".*" is not an exchange id or an event id\nhint: ids are the numbers `hooktunnel ls` prints; an event id is the provider's \(evt_…, a GitHub delivery GUID, msg_…\)\n$/);
      expect(app.received).toEqual([]);
    },
  );

  it('wait --since takes an id, a duration or now, and says so (exit 2)', async () => {
    const { db, env } = await oneRecorded();
    const result = await runCli(['wait', '--since', 'abc', '--db', db], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: --since "abc" is not now, an exchange id or a duration\nhint: for example --since now, --since 42 (after #42) or --since 10m\n');
  });
});
