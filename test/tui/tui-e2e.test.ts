// End to end: the real CLI in a real pseudo-terminal (tmux), a real relay, a real local app and a fake $EDITOR.
// Needs `npm run build`.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../../relay-server/relay.js';
import { formatListTime } from '../../src/output/format.js';
import { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { waitFor } from './wait-for.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
if (!HAS_TMUX) console.warn('tui-e2e: skipped, tmux is not installed (the TUI end-to-end test drives the CLI inside tmux)');

let socket: string;
let relay: Relay;
let app: Server;
let dir: string;
const requests: { url?: string; body: string }[] = [];
/** What the local app answers; a test that needs a failing app sets it. */
let appStatus = 200;
/** Requests to /hold the app keeps unanswered (a request in flight), ended after the test. */
const held: ServerResponse[] = [];

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'e2e');
/** The screen and the lines scrolled above it. */
const history = () => tmux('capture-pane', '-p', '-S', '-100', '-t', 'e2e');
/** Waits for the screen to match, failing with the screen as it was. */
const waitForScreen = (check: (text: string) => boolean) => waitFor(() => check(screen()), () => `screen and history:\n${history()}`, 15_000);

beforeEach(async () => {
  socket = `hooktunnel-e2e-${process.pid}-${Date.now()}`;
  requests.length = 0;
  appStatus = 200;
  dir = mkdtempSync(join(tmpdir(), 'hooktunnel-e2e-'));
  relay = createRelay({ port: 0, host: '127.0.0.1' });
  await relay.start();
  app = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ url: req.url, body });
      if (req.url?.startsWith('/hold')) return void held.push(res);
      res.writeHead(appStatus, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((done) => app.listen(0, '127.0.0.1', done));
});

afterEach(async () => {
  // Runs even when the test failed: the tmux server (and the CLI in it) must not outlive the test.
  if (HAS_TMUX) {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    // kill-server leaves the socket file behind.
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
  }
  await relay?.close();
  for (const res of held.splice(0)) res.destroy();
  await new Promise((done) => app?.close(done));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `listen` in a tmux pane (kept after it exits) and returns the public URL once the header says online. */
async function listenInTmux(appPort: number, db: string, env: string): Promise<string> {
  const command = [
    // Ink draws only the last frame when it thinks it runs in CI.
    `env -u CI -u CONTINUOUS_INTEGRATION ${env} TERM=xterm-256color`,
    `${JSON.stringify(process.execPath)} bin/hooktunnel.js listen 127.0.0.1:${appPort}`,
    `--relay http://127.0.0.1:${relay.port} --db ${JSON.stringify(db)};`,
    // The exit status, printed by the shell: tmux's own #{pane_dead_status} sometimes never arrives under load.
    'echo "[exit status $?]"',
  ].join(' ');
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'e2e', '-x', '120', '-y', '40', '-c', ROOT, command);
  // Keep the pane after the CLI exits, to read what it printed.
  tmux('set-option', '-t', 'e2e', 'remain-on-exit', 'on');
  let url = '';
  await waitForScreen((text) => {
    url = /http:\/\/127\.0\.0\.1:\d+\/t\/[a-z0-9]+/.exec(text)?.[0] ?? '';
    return url !== '' && text.includes('● online');
  });
  return url;
}

/**
 * listen in tmux with a fake $EDITOR, one webhook recorded, and `e` pressed on it: resolves with the tunnel URL once
 * the editor is open. The editor takes its own screen and stays open until a line is typed at the terminal, which
 * becomes the body's event type (so the edit shows whether every key reached it). With `interrupted`, it notes each
 * SIGINT in that file and carries on.
 */
async function editFirstRow(appPort: number, db: string, interrupted?: string): Promise<string> {
  const started = join(dir, 'editor-started');
  const script = join(dir, 'editor.mjs');
  writeFileSync(
    script,
    [
      `import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';`,
      `import { createInterface } from 'node:readline';`,
      interrupted ? `process.on('SIGINT', () => appendFileSync(${JSON.stringify(interrupted)}, 'SIGINT\\n'));` : '',
      `process.stdout.write('\\x1b[?1049h\\x1b[2Jfake editor at work, type the event type:\\n');`,
      `writeFileSync(${JSON.stringify(started)}, '');`,
      `createInterface({ input: process.stdin }).once('line', (line) => {`,
      `  const file = process.argv[2];`,
      `  writeFileSync(file, readFileSync(file, 'utf8').replace('invoice.paid', line));`,
      `  process.stdout.write('\\x1b[?1049l');`,
      `  process.exit(0);`,
      `});`,
      '',
    ].join('\n'),
  );
  const editor = join(dir, 'editor.sh');
  writeFileSync(editor, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} "$@"\n`);
  chmodSync(editor, 0o755);
  const url = await listenInTmux(appPort, db, `-u VISUAL EDITOR=${JSON.stringify(editor)}`);
  await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"invoice.paid"}' });
  await waitForScreen((text) => /› .*POST\s+\/webhooks\/stripe\s+200 .*#1/.test(text));
  tmux('send-keys', '-t', 'e2e', 'e');
  await waitFor(() => existsSync(started), history, 15_000);
  return url;
}

describe('hooktunnel listen in a terminal', () => {
  it.skipIf(!HAS_TMUX)('shows a webhook as a row, replays it with r, and quits cleanly with q', async () => {
    expect(existsSync(join(ROOT, 'dist/src/cli/main.js')), 'run `npm run build` first').toBe(true);
    const appPort = (app.address() as AddressInfo).port;
    const db = join(dir, 'capture.db');
    const url = await listenInTmux(appPort, db, '');
    expect(screen()).toContain('waiting for webhooks');

    const response = await fetch(`${url}/webhooks/stripe?attempt=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"invoice.paid"}',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"received":true}');
    await waitForScreen((text) => /› .*POST\s+\/webhooks\/stripe\?attempt=1\s+200 .*#1/.test(text));
    expect(screen()).toContain('"type": "invoice.paid"');

    tmux('send-keys', '-t', 'e2e', 'r');
    await waitForScreen((text) => /\/webhooks\/stripe\?attempt=1\s+200 .*#2 ↻#1/.test(text));
    await waitForScreen((text) => text.includes('#1 replayed as #2: 200'));
    expect(requests).toEqual([
      { url: '/webhooks/stripe?attempt=1', body: '{"type":"invoice.paid"}' },
      { url: '/webhooks/stripe?attempt=1', body: '{"type":"invoice.paid"}' },
    ]);
    expect(screen()).toContain('this session: 2 requests · 0 failed');

    tmux('send-keys', '-t', 'e2e', 'q');
    // The alternate screen is gone; what remains on the normal screen is the summary, then the shell's line.
    await waitFor(() => history().includes('[exit status'), history, 15_000);
    expect(history()).toContain(`hooktunnel listen: 2 requests, 0 failed; recorded in ${db}\n[exit status 0]`);
    const store = Store.open(db);
    try {
      expect(store.list({ limit: 10 }).map((e) => [e.id, e.replayOf, e.status, e.state])).toEqual([
        [2, 1, 200, 'complete'],
        [1, null, 200, 'complete'],
      ]);
    } finally {
      store.close();
    }
  });

  it.skipIf(!HAS_TMUX)('q with a request in flight says it was cut and that the next listen delivers it again', async () => {
    const db = join(dir, 'capture.db');
    const url = await listenInTmux((app.address() as AddressInfo).port, db, '');
    const sender = fetch(`${url}/hold`, { method: 'POST', body: 'x' });
    await waitForScreen((text) => /› .*\/hold\s+… .*#1/.test(text));
    tmux('send-keys', '-t', 'e2e', 'q');
    await waitFor(() => history().includes('[exit status'), history, 15_000);
    // This relay keeps no queue: the sender is told to come back (a relay with one answers 202, test/nothing-lost).
    expect((await sender).status).toBe(502);
    const text = history().replace(/\s*\n\s*/g, ' ');
    expect(text).toContain('hooktunnel listen: 0 requests, 0 failed');
    expect(text).toContain('note: 1 request was in flight when you quit, and cut: a relay that keeps a queue');
    expect(text).toContain('[exit status 0]');
  });

  it.skipIf(!HAS_TMUX)('dates the rows a store kept from other days, as ls does, next to today\'s times', async () => {
    const db = join(dir, 'capture.db');
    const now = new Date();
    const threeDaysAgo = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 3, 14, 3, 11).getTime();
    const store = Store.open(db);
    const recording = store.begin(exchangeStart({ path: '/days-ago', receivedAt: threeDaysAgo }));
    recording.respond(200, []);
    recording.complete(1);
    store.writes.commitBatch();
    store.close();

    const url = await listenInTmux((app.address() as AddressInfo).port, db, '');
    await fetch(`${url}/today`, { method: 'POST', body: 'x' });
    await waitForScreen((text) => /› .*\/today\s+200 .*#2/.test(text));
    const lines = screen().split('\n');
    const older = lines.find((l) => l.includes('/days-ago')) ?? '';
    const today = lines.find((l) => l.includes('/today')) ?? '';
    const titles = lines.find((l) => l.includes('METHOD')) ?? '';
    expect(older).toContain(` ${formatListTime(threeDaysAgo)} POST `);
    expect(today).toMatch(/^› \d\d:\d\d:\d\d +POST /);
    expect(new Set([titles.indexOf('METHOD'), older.indexOf('POST'), today.indexOf('POST')]).size).toBe(1);
  });

  it.skipIf(!HAS_TMUX)('shows what another terminal does to the store: a retry changes a row, a replay adds one', async () => {
    const appPort = (app.address() as AddressInfo).port;
    const db = join(dir, 'capture.db');
    const env = { XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
    appStatus = 500;
    const url = await listenInTmux(appPort, db, '');
    await fetch(`${url}/webhooks/github`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"zen":"ok"}' });
    await waitForScreen((text) => /\/webhooks\/github\s+500 .*#1/.test(text));

    // The app is fixed, and the README's `hooktunnel retry <id>` run in another terminal.
    appStatus = 200;
    expect(await runCli(['retry', '1', '--db', db], { env })).toMatchObject({ code: 0 });
    await waitForScreen((text) => /\/webhooks\/github\s+200 .*#1/.test(text));
    expect(await runCli(['replay', '1', '--db', db], { env })).toMatchObject({ code: 0 });
    await waitForScreen((text) => /\/webhooks\/github\s+200 .*#2 ↻#1/.test(text));
    // Shown, not counted: the header counts what this listen forwarded.
    expect(screen()).toContain('1 request · 1 failed');
  });

  it.skipIf(!HAS_TMUX)('e hands the terminal to $EDITOR, replays the edited body, and the inspector comes back whole', async () => {
    expect(existsSync(join(ROOT, 'dist/src/cli/main.js')), 'run `npm run build` first').toBe(true);
    const appPort = (app.address() as AddressInfo).port;
    const db = join(dir, 'capture.db');
    const ttyState = join(dir, 'tty-state');
    // A fake editor that behaves like a full-screen one: alternate screen, a line of its own, and back out. It notes
    // whether it got a cooked terminal (icanon) and edits the file it is given.
    const editor = join(dir, 'editor.sh');
    writeFileSync(
      editor,
      [
        '#!/bin/sh',
        `stty -a < /dev/tty | tr ' ' '\\n' | grep -x -- '-\\?icanon' > ${JSON.stringify(ttyState)}`,
        "printf '\\033[?1049h\\033[2Jfake editor at work\\n' > /dev/tty",
        `sed -i 's/invoice.paid/invoice.edited/' "$1"`,
        "printf '\\033[?1049l' > /dev/tty",
        '',
      ].join('\n'),
    );
    chmodSync(editor, 0o755);
    const url = await listenInTmux(appPort, db, `-u VISUAL EDITOR=${JSON.stringify(editor)}`);
    await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"invoice.paid"}' });
    await waitForScreen((text) => /› .*POST\s+\/webhooks\/stripe\s+200 .*#1/.test(text));

    tmux('send-keys', '-t', 'e2e', 'e');
    await waitForScreen((text) => text.includes('#1 replayed edited as #2: 200'));
    expect(readFileSync(ttyState, 'utf8').trim()).toBe('icanon');
    expect(requests.map((r) => JSON.parse(r.body))).toEqual([{ type: 'invoice.paid' }, { type: 'invoice.edited' }]);
    // The whole frame is back: header, both rows, the detail of the selection, the footer; nothing of the editor.
    // The status line can be drawn a frame before the list (throttled) shows the new row, so wait for the row.
    await waitForScreen((t) => /\/webhooks\/stripe\s+200 .*#2 ↻#1/.test(t) && t.includes('"type": "invoice.edited"'));
    const text = screen();
    expect(text).toMatch(/^hooktunnel http:\/\/127\.0\.0\.1:\d+\/t\/[a-z0-9]+ → /);
    expect(text).toMatch(/\/webhooks\/stripe\s+200 .*#2 ↻#1/);
    expect(text).toContain('"type": "invoice.edited"');
    expect(text).toMatch(/q quit\n*$/);
    expect(text).not.toContain('fake editor');
    expect(text).not.toContain('waiting for your editor');
    // Raw mode is back: a single key acts without Enter.
    tmux('send-keys', '-t', 'e2e', 'j');
    await waitForScreen((t) => /› .*#1\s*$/m.test(t));

    tmux('send-keys', '-t', 'e2e', 'q');
    await waitFor(() => history().includes('[exit status'), history, 15_000);
    expect(history()).toContain(`hooktunnel listen: 2 requests, 0 failed; recorded in ${db}\n[exit status 0]`);
    expect(history()).not.toContain('waiting for your editor');
  });

  it.skipIf(!HAS_TMUX)('keeps forwarding and recording while $EDITOR is open, which gets every key, and survives Ctrl-C in it', async () => {
    expect(existsSync(join(ROOT, 'dist/src/cli/main.js')), 'run `npm run build` first').toBe(true);
    const appPort = (app.address() as AddressInfo).port;
    const db = join(dir, 'capture.db');
    const interrupted = join(dir, 'editor-interrupted');
    // The editor keeps the terminal cooked, so Ctrl-C raises SIGINT in the whole foreground group (listen included), as
    // with an editor that waits in a shell (`code --wait`); it notes the signal and carries on, as such a wrapper would.
    const url = await editFirstRow(appPort, db, interrupted);
    // The editor is open and stays open until it gets its line: a webhook now is answered and recorded meanwhile.
    const during = await fetch(`${url}/webhooks/during-edit`, { method: 'POST', body: 'sent while editing', signal: AbortSignal.timeout(10_000) }).catch(
      (error: Error) => {
        throw new Error(`a webhook sent while the editor was open got no answer (${error.message}): listen waits for the editor`);
      },
    );
    expect(during.status).toBe(200);
    expect(await during.text()).toBe('{"received":true}');
    const store = Store.open(db);
    try {
      await waitFor(() => store.list({ limit: 10 }).some((e) => e.path === '/webhooks/during-edit' && e.state === 'complete'), history, 15_000);
    } finally {
      store.close();
    }

    // Ctrl-C in the editor is the editor's business: listen must neither quit nor take the terminal back.
    tmux('send-keys', '-t', 'e2e', 'C-c');
    await waitFor(() => existsSync(interrupted), history, 15_000);
    // The inspector drew nothing over the editor, although a webhook arrived (its frame would show the new row).
    expect(screen()).toContain('fake editor at work');
    expect(screen()).not.toContain('during-edit');
    expect(screen()).not.toContain('hooktunnel http');

    // Every key goes to the editor: the inspector would act on j, q and e itself.
    tmux('send-keys', '-t', 'e2e', '-l', 'jqe.typed.in.editor');
    tmux('send-keys', '-t', 'e2e', 'Enter');
    await waitForScreen((text) => text.includes('#1 replayed edited as #3: 200'));
    expect(requests.map((r) => r.body)).toEqual(['{"type":"invoice.paid"}', 'sent while editing', expect.stringContaining('jqe.typed.in.editor')]);
    expect(JSON.parse(requests[2].body)).toEqual({ type: 'jqe.typed.in.editor' });
    // The whole inspector is back, with the row that arrived while the editor was open.
    await waitForScreen((t) => /\/webhooks\/stripe\s+200 .*#3 ↻#1/.test(t) && /\/webhooks\/during-edit\s+200 .*#2/.test(t));
    expect(screen()).toMatch(/^hooktunnel http:\/\/127\.0\.0\.1:\d+\/t\/[a-z0-9]+ → /);
    expect(screen()).not.toContain('fake editor');
    expect(screen()).toMatch(/q quit\n*$/);
    // Raw mode is back: a single key acts without Enter.
    tmux('send-keys', '-t', 'e2e', 'j');
    await waitForScreen((t) => /› .*#2\s*$/m.test(t));

    tmux('send-keys', '-t', 'e2e', 'q');
    await waitFor(() => history().includes('[exit status'), history, 15_000);
    expect(history()).toContain(`hooktunnel listen: 3 requests, 0 failed; recorded in ${db}\n[exit status 0]`);
  });

  it.skipIf(!HAS_TMUX)('stopped (SIGTERM) while $EDITOR is open: shuts down at once, leaves the editor the terminal, keeps the edit unsent', async () => {
    expect(existsSync(join(ROOT, 'dist/src/cli/main.js')), 'run `npm run build` first').toBe(true);
    const appPort = (app.address() as AddressInfo).port;
    const db = join(dir, 'capture.db');
    await editFirstRow(appPort, db);

    // The pane runs a shell, whose child is listen (env execs node).
    const shell = tmux('display-message', '-p', '-t', 'e2e', '#{pane_pid}').trim();
    const listen = Number(execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim());
    process.kill(listen, 'SIGTERM');
    // listen shuts down without waiting for the editor: its tunnel closes, so the relay queues what comes next.
    const tunnelsOpen = async () => Number(/^hooktunnel_tunnels_open (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text())?.[1]);
    const deadline = Date.now() + 15_000;
    while ((await tunnelsOpen()) !== 0) {
      if (Date.now() > deadline) throw new Error(`listen kept its tunnel open while the editor was open\n${history()}`);
      await new Promise((done) => setTimeout(done, 20));
    }
    // The editor keeps the terminal: nothing was drawn or printed over it, and the shell has not taken it back.
    expect(screen()).toContain('fake editor at work');
    expect(history()).not.toContain('hooktunnel listen:');
    expect(history()).not.toContain('[exit status');

    tmux('send-keys', '-t', 'e2e', '-l', 'invoice.kept');
    tmux('send-keys', '-t', 'e2e', 'Enter');
    await waitFor(() => history().includes('[exit status'), history, 15_000);
    const after = history().replace(/\n(?=\S)/g, (nl, at: number, all: string) => (all.slice(0, at).split('\n').pop()!.length === 120 ? '' : nl));
    const kept = /the edited body is kept in (\S+);/.exec(after)?.[1];
    expect(kept, after).toBeDefined();
    expect(after).toContain(`hooktunnel listen: 1 request, 0 failed; recorded in ${db}\n`);
    expect(after).toContain(`warning: #1 was not replayed: hooktunnel stopped while its body was being edited; the edited body is kept in ${kept}; to send it: \`hooktunnel replay 1 --body-file ${kept} --db ${db}\`\n[exit status 0]`);
    expect(after).not.toContain('waiting for your editor');
    expect(JSON.parse(readFileSync(kept!, 'utf8'))).toEqual({ type: 'invoice.kept' });
    rmSync(dirname(kept!), { recursive: true, force: true });
    // Nothing was sent after the stop, and the store was closed whole.
    expect(requests.map((r) => r.body)).toEqual(['{"type":"invoice.paid"}']);
    const store = Store.open(db);
    try {
      expect(store.list({ limit: 10 }).map((e) => [e.id, e.state])).toEqual([[1, 'complete']]);
    } finally {
      store.close();
    }
  });

  // xdg-open (the `open` package's launcher on Linux) told exactly what to find: no desktop, no display, and BROWSER.
  const NO_DESKTOP = '-u DISPLAY -u WAYLAND_DISPLAY -u XDG_CURRENT_DESKTOP -u DESKTOP_SESSION -u KDE_FULL_SESSION -u GNOME_DESKTOP_SESSION_ID -u MATE_DESKTOP_SESSION_ID -u DBUS_SESSION_BUS_ADDRESS';

  it.skipIf(!HAS_TMUX || process.platform !== 'linux')('o says when no browser could be opened, and shows the URL to copy', async () => {
    const url = await listenInTmux((app.address() as AddressInfo).port, join(dir, 'capture.db'), `${NO_DESKTOP} BROWSER=false`);
    tmux('send-keys', '-t', 'e2e', 'o');
    // xdg-open tried the one browser it was given, which failed, and exited 3 ("no method available").
    await waitForScreen((text) => text.includes(`no browser opened; copy the URL: ${url} (xdg-open: exit code 3)`));
    expect(screen()).not.toContain(`opened ${url}`);
  });

  it.skipIf(!HAS_TMUX || process.platform !== 'linux')('o opens the public URL in the browser and says so once it did', async () => {
    const opened = join(dir, 'opened');
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(opened)}\n`);
    chmodSync(browser, 0o755);
    const url = await listenInTmux((app.address() as AddressInfo).port, join(dir, 'capture.db'), `${NO_DESKTOP} BROWSER=${JSON.stringify(browser)}`);
    tmux('send-keys', '-t', 'e2e', 'o');
    await waitForScreen((text) => text.includes(`opened ${url}`));
    expect(readFileSync(opened, 'utf8')).toBe(url);
  });
});
