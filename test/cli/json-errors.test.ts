// A scripting command run with --json reports every failure as {"error":{"code","message","hint",…}} lines on stderr
// (README, "Errors with --json"), with the exit code it has without --json: refusals of the whole command (a stable
// code a script can act on, the words and hint the text gives), usage errors found after the flags parsed, and each
// delivery that failed. Unknown ids: unknown-ids.test.ts; a store that cannot take writes: store-unwritable.test.ts.

import { describe, expect, it } from 'vitest';
import { NO_ROUTE_TARGET } from '../../src/routes/answered-here.js';
import { jsonLines, runCli, type CliResult } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';
import { homeWithApp, record, type Recorded } from './recorded.js';

/** The error and hint lines of a refusal in words, as the JSON error must carry them. */
function wordsOf(text: CliResult): { message: string; hint: string | null } {
  const match = /^error: (.*)\n(?:hint: (.*)\n)?$/.exec(text.stderr);
  if (!match) throw new Error(`not one error (and hint) line: ${JSON.stringify(text.stderr)}`);
  return { message: match[1], hint: match[2] ?? null };
}

/** A port nothing listens on: bound once, then closed. */
async function closedPortUrl(): Promise<string> {
  const app = await startLocalApp();
  await app.close();
  return app.url;
}

describe('a refusal of the whole command, with --json', () => {
  // `exchanges` are recorded for the app; `args` gets their ids.
  const cases: { what: string; exchanges: (app: string) => Recorded[]; args: (ids: string[]) => string[]; code: string; exit: number }[] = [
    { what: 'replay of one stored redacted', exchanges: (app) => [{ target: app, status: 200, redacted: ['header:authorization'] }], args: (ids) => ['replay', ...ids], code: 'redacted', exit: 2 },
    { what: 'replay of one cut off mid-body', exchanges: (app) => [{ target: app, cutMidBody: true }], args: (ids) => ['replay', ...ids], code: 'incomplete', exit: 2 },
    { what: 'replay of one hooktunnel answered', exchanges: () => [{ target: NO_ROUTE_TARGET, status: 404 }], args: (ids) => ['replay', ...ids], code: 'answered_here', exit: 2 },
    {
      what: 'bulk replay where every refused one is redacted',
      exchanges: (app) => [{ target: app, status: 200 }, { target: app, status: 200, redacted: ['header:authorization'] }, { target: app, status: 200, redacted: ['body:$.card'] }],
      args: () => ['replay', '--since', '1h'],
      code: 'redacted',
      exit: 2,
    },
    {
      what: 'bulk replay refused for several reasons',
      exchanges: (app) => [{ target: app, status: 200, redacted: ['header:authorization'] }, { target: app, cutMidBody: true }],
      args: (ids) => ['replay', ...ids],
      code: 'not_replayable',
      exit: 2,
    },
    { what: 'retry of one the app took', exchanges: (app) => [{ target: app }, { target: app, status: 201 }], args: (ids) => ['retry', ...ids], code: 'succeeded', exit: 2 },
    { what: 'retry of one stored redacted', exchanges: (app) => [{ target: app, redacted: ['header:authorization'] }], args: (ids) => ['retry', ...ids], code: 'redacted', exit: 2 },
    { what: 'retry of one cut off mid-body', exchanges: (app) => [{ target: app, cutMidBody: true }], args: (ids) => ['retry', ...ids], code: 'incomplete', exit: 2 },
    { what: 'retry of one hooktunnel answered', exchanges: () => [{ target: NO_ROUTE_TARGET, status: 404 }], args: (ids) => ['retry', ...ids], code: 'answered_here', exit: 2 },
    { what: 'replay with a header it sets itself', exchanges: (app) => [{ target: app, status: 200 }], args: (ids) => ['replay', ...ids, '--set-header', 'Host: x'], code: 'usage', exit: 2 },
    { what: 'retry with a bad --timeout', exchanges: (app) => [{ target: app }], args: (ids) => ['retry', ...ids, '--timeout', '5q'], code: 'usage', exit: 2 },
    { what: 'show of an unknown id', exchanges: (app) => [{ target: app, status: 200 }], args: () => ['show', '999'], code: 'not_found', exit: 1 },
    { what: 'show with --to but no --curl', exchanges: (app) => [{ target: app, status: 200 }], args: (ids) => ['show', ids[0], '--to', '4000'], code: 'usage', exit: 2 },
    { what: 'diff with an unknown id', exchanges: (app) => [{ target: app, status: 200 }], args: (ids) => ['diff', ids[0], '999'], code: 'not_found', exit: 2 },
    { what: 'ls with a bad --limit', exchanges: (app) => [{ target: app, status: 200 }], args: () => ['ls', '-n', '0'], code: 'usage', exit: 2 },
    { what: 'wait that times out', exchanges: (app) => [{ target: app, status: 200 }], args: () => ['wait', '--timeout', '50ms'], code: 'timeout', exit: 124 },
  ];

  it.each(cases)('$what: one JSON error, code $code, the words and hint of the text, exit $exit, nothing sent', async ({ exchanges, args, code, exit }) => {
    const { db, env, app } = await homeWithApp();
    const argv = [...args(record(db, exchanges(app.url)).map(String)), '--db', db];
    const text = await runCli(argv, { env });
    const json = await runCli([...argv, '--json'], { env });
    expect(json.code).toBe(exit);
    expect(text.code).toBe(exit);
    expect(json.stdout).toBe('');
    expect(jsonLines(json.stderr)).toEqual([{ error: { code, ...wordsOf(text) } }]);
    expect(app.received).toEqual([]);
  });

  it('export --json - with a bad --limit: the archive is not started on stdout', async () => {
    const { db, env } = await homeWithApp();
    const result = await runCli(['export', '--json', '-', '-n', 'x', '--db', db], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(jsonLines(result.stderr)).toEqual([{ error: { code: 'usage', message: '--limit "x" must be a whole number of at least 1', hint: null } }]);
  });
});

describe('a delivery that failed, with --json', () => {
  it('retry: the exchange on stdout and an error on stderr for each attempt not taken (no answer, a 5xx), as replay does', async () => {
    const { db, env } = await homeWithApp();
    const app = await startLocalApp((req, res) => {
      res.statusCode = req.url === '/broken' ? 503 : 200;
      res.end('x');
    });
    onCleanup(() => app.close());
    const down = await closedPortUrl();
    const [unreachable, broken, fixed] = record(db, [{ target: down, path: '/gone' }, { target: app.url, path: '/broken' }, { target: app.url, path: '/fixed' }]);
    const result = await runCli(['retry', String(unreachable), String(broken), String(fixed), '--json', '--db', db], { env });
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout).map((e) => (e as { id: number; status: number }).status)).toEqual([502, 503, 200]);
    expect(jsonLines(result.stderr)).toEqual([
      { error: { code: 'local_unreachable', message: `cannot reach ${down}: connection refused (is your app running?)`, hint: null, id: unreachable } },
      { error: { code: 'local_server_error', message: `the app answered #${broken} with 503`, hint: `its answer is in \`hooktunnel show ${broken}\`; fix the app, then retry`, id: broken } },
    ]);
  });

  it('trigger: the exchange on stdout and the error on stderr', async () => {
    const { db, env } = await homeWithApp();
    const down = await closedPortUrl();
    const result = await runCli(['trigger', 'github', 'push', '--to', down, '--secret', 'github=s3cret', '--json', '--db', db], { env });
    expect(result.code).toBe(1);
    const exchange = JSON.parse(result.stdout) as { id: number; state: string };
    expect(exchange.state).toBe('failed');
    expect(jsonLines(result.stderr)).toEqual([
      { error: { code: 'local_unreachable', message: `cannot reach ${down}: connection refused (is your app running?)`, hint: null, id: exchange.id } },
    ]);
  });
});
