// `hooktunnel replay` checks everything it can before sending anything: unknown ids, exchanges it cannot replay.
// A refused command sends nothing and records nothing.

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_ROUTE_TARGET } from '../../src/routes/answered-here.js';
import { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';
import { homeWithApp, record } from './recorded.js';


/** How many exchanges the database holds. */
function recorded(db: string): number {
  const store = Store.open(db);
  try {
    return store.list({ limit: 1000 }).length;
  } finally {
    store.close();
  }
}

/** A refusal: usage-style error lines only, no stack, nothing on stdout. */
function expectRefused(result: { code: number | null; stdout: string; stderr: string }, code: number) {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('bulk replay checks every id before sending any', () => {
  it('refuses the whole command when some ids do not exist, naming them all, and sends nothing', async () => {
    const { db, env, app } = await homeWithApp();
    const [a, b, c] = record(db, [{ target: app.url, path: '/a', status: 200 }, { target: app.url, path: '/b', status: 200 }, { target: app.url, path: '/c', status: 200 }]);
    const result = await runCli(['replay', String(a), String(b), '999', String(c), '1000', '--db', db], { env });
    expectRefused(result, 1);
    expect(result.stderr).toBe(
      `error: no exchanges #999, #1000 in ${db}; nothing replayed\n` + 'hint: run `hooktunnel ls` to see the recorded ids, or leave #999, #1000 out\n',
    );
    expect(app.received).toHaveLength(0);
    expect(recorded(db)).toBe(3);
  });

  it('still names a single unknown id as before', async () => {
    const { db, env, app } = await homeWithApp();
    record(db, [{ target: app.url, status: 200 }]);
    const result = await runCli(['replay', '999', '--db', db], { env });
    expectRefused(result, 1);
    expect(result.stderr).toContain(`error: no exchange #999 in ${db}\n`);
  });

  it('refuses the whole command when some exchanges were answered by hooktunnel, unless --to', async () => {
    const { db, env, app } = await homeWithApp();
    const [a, noRoute, c] = record(db, [{ target: app.url, path: '/a', status: 200 }, { target: NO_ROUTE_TARGET, path: '/x', status: 404 }, { target: app.url, path: '/c', status: 200 }]);
    const refused = await runCli(['replay', String(a), String(noRoute), String(c), '--db', db], { env });
    expectRefused(refused, 2);
    expect(refused.stderr).toBe(
      `error: #${noRoute} was answered by hooktunnel (a mock route, or no route), not by an app; nothing replayed\n` +
        `hint: pass --to <port|url> to send it to an app; or leave #${noRoute} out\n`,
    );
    const bulk = await runCli(['replay', '--since', '1h', '--db', db], { env });
    expectRefused(bulk, 2);
    expect(app.received).toHaveLength(0);
    expect(recorded(db)).toBe(3);

    const sent = await runCli(['replay', String(a), String(noRoute), String(c), '--to', app.url, '--db', db], { env });
    expect(sent.code).toBe(0);
    expect(app.received.map((r) => r.url)).toEqual(['/a', '/x', '/c']);
  });

  it('sends an id given twice twice, in order: the way to test an app against a duplicate delivery', async () => {
    const { db, env, app } = await homeWithApp();
    const [a, b] = record(db, [{ target: app.url, path: '/a', status: 200 }, { target: app.url, path: '/b', status: 200 }]);
    const sent = await runCli(['replay', String(a), String(b), String(a), '--json', '--db', db], { env });
    expect(sent.code).toBe(0);
    expect(app.received.map((r) => r.url)).toEqual(['/a', '/b', '/a']);
    expect(sent.stdout.trim().split('\n').map((line) => JSON.parse(line).replayOf)).toEqual([a, b, a]);
  });

  it('goes on past an app that is down once every id checks out, and sums up', async () => {
    const { db, env, app } = await homeWithApp();
    const down = await startLocalApp();
    await down.close();
    const ids = record(db, [{ target: app.url, path: '/a', status: 200 }, { target: down.url, path: '/b', status: 200 }, { target: app.url, path: '/c', status: 200 }]);
    const result = await runCli(['replay', ...ids.map(String), '--db', db], { env });
    expect(result.code).toBe(1);
    expect(app.received.map((r) => r.url)).toEqual(['/a', '/c']);
    expect(result.stderr).toContain(`error: replay of #${ids[1]} failed: cannot reach ${down.url}`);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('replayed 3: 2 answered 2xx/3xx, 0 answered 4xx/5xx, 1 not delivered');
    expect(recorded(db)).toBe(6);
  });
});

describe('replay --set-header is checked before anything is sent', () => {
  const refusals: [string, string, string][] = [
    ['Content-Length: 5', 'Content-Length is set from the body', 'use --edit or --body-file to change the body'],
    ['transfer-encoding: chunked', 'Transfer-Encoding is never forwarded', 'use --edit or --body-file'],
    ['Host: evil.example', "Host is set to the target's host", 'use --to <port|url>'],
    ['Connection: close', 'Connection is a hop-by-hop header, which hooktunnel never forwards', 'leave it out'],
    ['X Debug: 1', '"X Debug" is not a header name', 'a header name is letters, digits'],
    ['X-Debug: a\x1b[31mred', 'the value contains a control character (\\e)', 'cannot hold CR, LF, NUL'],
    ['X-Debug: a\r\nX-Injected: 1', 'the value contains a control character (\\r)', 'cannot hold CR, LF, NUL'],
    // (NUL cannot reach a program through argv at all.)
    ['X-Debug: a\u007fb', 'the value contains a control character (\\x7f)', 'cannot hold CR, LF, NUL'],
    ['X-Debug: 5€', 'the value contains "€", which a header value cannot carry', 'beyond Latin-1'],
    ['X-Debug: ok 😀', 'the value contains "😀", which a header value cannot carry', 'beyond Latin-1'],
  ];

  it.each(refusals)('refuses %j with a usage error, sending and recording nothing', async (edit, message, hint) => {
    const { db, env, app } = await homeWithApp();
    const [id] = record(db, [{ target: app.url, status: 200 }]);
    const result = await runCli(['replay', String(id), '--set-header', 'X-Ok: 1', '--set-header', edit, '--db', db], { env });
    expectRefused(result, 2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: --set-header ".*": /);
    expect(lines[0]).toContain(message);
    expect(lines[1]).toMatch(/^hint: /);
    expect(lines[1]).toContain(hint);
    expect(result.stderr).not.toContain('\x1b');
    expect(result.stderr).not.toContain('failed');
    expect(app.received).toHaveLength(0);
    expect(recorded(db)).toBe(1);
  });

  it('sends a valid header, tab inside the value and all', async () => {
    const { db, env, app } = await homeWithApp();
    const [id] = record(db, [{ target: app.url, status: 200 }]);
    const result = await runCli(['replay', String(id), '--set-header', 'X-Debug:  a\tb ', '--db', db], { env });
    expect(result.code).toBe(0);
    const headers = app.received[0].rawHeaders;
    expect(headers[headers.indexOf('X-Debug') + 1]).toBe('a\tb');
  });
});

describe('every replay flag value is checked: a bad one is a usage error, never ignored', () => {
  const cases: [string, (id: string) => string[], string][] = [
    ['an id with --since', (id) => [id, '--since', '5x'], '--since selects exchanges, and so do the ids'],
    ['an id with a valid --since', (id) => [id, '--since', '10m'], '--since selects exchanges, and so do the ids'],
    ['an id with --path', (id) => [id, '--path', '/hook'], '--path selects exchanges, and so do the ids'],
    ['a bad --since', () => ['--since', '5x'], '--since "5x" is not a duration'],
    ['a --path without a leading slash', () => ['--path', 'hook'], '--path "hook" does not start with /'],
    ['an empty --to', (id) => [id, '--to', ''], '--to "" is not a port or URL'],
    ['a bad --timeout', (id) => [id, '--timeout', '5q'], '--timeout "5q" is not a duration'],
    ['a zero id', () => ['0'], '"0" is not an exchange id or an event id'],
    ['an id with a space', () => ['1 2'], '"1 2" is not an exchange id or an event id'],
    ['--edit with --body-file', (id) => [id, '--edit', '--body-file', '/dev/null'], '--edit and --body-file both give the body'],
    ['--body-file with two ids', (id) => [id, id, '--body-file', '/dev/null'], '--body-file replays exactly one exchange, and 2 ids are given'],
    ['--body-file with a bulk selection', () => ['--since', '1h', '--body-file', '/dev/null'], '--body-file replays exactly one exchange, and 2 match'],
    ['a bad --secret', (id) => [id, '--secret', 'nobody=x'], '--secret "nobody=***" is not PROVIDER=SECRET'],
    ['a --body-file that does not exist', (id) => [id, '--body-file', '/nonexistent/body.json'], 'could not read --body-file /nonexistent/body.json: no such file'],
    ['a --body-file that is a folder', (id) => [id, '--body-file', '/tmp'], 'could not read --body-file /tmp: is a folder, not a file'],
  ];

  it.each(cases)('refuses %s', async (_what, args, message) => {
    const { db, env, app } = await homeWithApp();
    const ids = record(db, [{ target: app.url, path: '/hook', status: 200 }, { target: app.url, path: '/hook', status: 200 }]);
    const result = await runCli(['replay', ...args(String(ids[0])), '--db', db], { env });
    expectRefused(result, 2);
    expect(result.stderr).toContain(`error: ${message}`);
    expect(app.received).toHaveLength(0);
    expect(recorded(db)).toBe(2);
  });

  it('still replays with --since and --path on their own', async () => {
    const { db, env, app } = await homeWithApp();
    record(db, [{ target: app.url, path: '/hook/a', status: 200 }, { target: app.url, path: '/other', status: 200 }]);
    const result = await runCli(['replay', '--since', '10m', '--path', '/hook', '--db', db], { env });
    expect(result.code).toBe(0);
    expect(app.received.map((r) => r.url)).toEqual(['/hook/a']);
  });
});

describe('replay --edit without an editor', () => {
  it('refuses when neither EDITOR nor VISUAL is set and there is no terminal, instead of starting vi', async () => {
    const { db, env, app } = await homeWithApp();
    const [id] = record(db, [{ target: app.url, status: 200 }]);
    const result = await runCli(['replay', String(id), '--edit', '--db', db], { env: { ...env, EDITOR: '', VISUAL: '' } });
    expectRefused(result, 2);
    expect(result.stderr).toBe(
      'error: --edit needs an editor: $EDITOR and $VISUAL are not set, and this is not a terminal for vi\n' +
        'hint: set EDITOR (e.g. EDITOR=nano, or EDITOR="code --wait"), or send a prepared body with --body-file\n',
    );
    expect(app.received).toHaveLength(0);
    expect(recorded(db)).toBe(1);
  });

  it('uses a set EDITOR, even without a terminal', async () => {
    const { db, env, app, dir } = await homeWithApp();
    const [id] = record(db, [{ target: app.url, status: 200, body: 'before' }]);
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nprintf after > "$1"\n');
    chmodSync(editor, 0o755);
    const result = await runCli(['replay', String(id), '--edit', '--db', db], { env: { ...env, EDITOR: editor, VISUAL: '' } });
    expect(result.code).toBe(0);
    expect(app.received.map((r) => r.body.toString())).toEqual(['after']);
  });
});

describe('replay --edit and Ctrl-C in the editor', () => {
  it('calls the edit off: nothing sent or recorded, exit 130, and hooktunnel itself is not ended by the SIGINT', async () => {
    const { db, env, app, dir } = await homeWithApp();
    const [id] = record(db, [{ target: app.url, status: 200, body: 'before' }]);
    const editor = join(dir, 'editor.sh');
    // What a terminal's Ctrl-C does: SIGINT to its foreground group, here hooktunnel, the shell running the editor,
    // and the editor, which dies of it (having saved a change that must not go out).
    writeFileSync(editor, '#!/bin/sh\nprintf after > "$1"\nshell=$PPID\nkill -INT "$(ps -o ppid= -p "$shell" | tr -d " ")" "$shell" $$\n');
    chmodSync(editor, 0o755);
    const result = await runCli(['replay', String(id), '--edit', '--db', db], { env: { ...env, EDITOR: editor, VISUAL: '' } });
    expect([result.code, result.stdout, result.stderr]).toEqual([130, '', 'error: edit aborted (Ctrl-C in the editor); nothing replayed\n']);
    expect(app.received).toHaveLength(0);
    expect(recorded(db)).toBe(1);
  });
});
