// The inspector from the command line: listen's ready event and output, --no-web and its env var, a bad
// --inspect-port, and `hooktunnel web` following rows another process records.

import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import http from 'node:http';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createRelay, type Relay } from '../../relay-server/relay.js';
import { Store } from '../../src/store/store.js';
import { BIN, runCli, startListen, tempHome } from '../helpers/cli.js';
import { startLocalApp, waitFor, type LocalApp } from '../helpers/http.js';
import { raw, record } from './support.js';

const home = tempHome();
let relay: Relay;
let relayUrl: string;
let app: LocalApp;
const children: ChildProcess[] = [];

beforeAll(async () => {
  relay = createRelay({ port: 0, host: '127.0.0.1' });
  relayUrl = await relay.start();
  app = await startLocalApp();
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  }
});

afterAll(async () => {
  await app?.close();
  await relay?.close();
  home.cleanup();
});

/** Starts a long-running command and collects its output. */
function start(argv: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...argv], { env: { ...process.env, ...home.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (t: string) => (body += t));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

it('adds the inspector URL to the ready event, and the inspector answers there', async () => {
  const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db, '--inspect-port', '0'], home.env);
  try {
    const ready = listen.events.find((e) => e.type === 'ready')!;
    expect(ready.inspector).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?k=[\w-]{22}$/);
    const origin = new URL(ready.inspector as string).origin;
    expect((await get(`${origin}/healthz`)).status).toBe(200);
  } finally {
    await listen.stop();
  }
});

it('prints the inspector URL under the public URL in plain output', async () => {
  const run = start(['listen', String(app.port), '--relay', relayUrl, '--db', home.db, '--inspect-port', '0', '--no-tui']);
  const out = await waitFor(() => (/inspector http:\/\/127\.0\.0\.1:\d+\/\?k=/.test(run.stdout()) ? run.stdout() : undefined), 'the plain ready lines');
  const lines = out.split('\n');
  const urlLine = lines.findIndex((l) => l.startsWith('hooktunnel') && l.includes('/t/'));
  expect(lines[urlLine + 1]).toMatch(/^\s+inspector http:\/\/127\.0\.0\.1:\d+\/\?k=[\w-]+$/);
});

it('serves no inspector with --no-web or HOOKTUNNEL_NO_WEB', async () => {
  for (const [args, env] of [[['--no-web'], {}], [[], { HOOKTUNNEL_NO_WEB: '1' }]] as const) {
    const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db, ...args], { ...home.env, ...env });
    try {
      expect(listen.events.find((e) => e.type === 'ready')).toHaveProperty('inspector', null);
    } finally {
      await listen.stop();
    }
  }
});

it('takes the port from HOOKTUNNEL_INSPECT_PORT', async () => {
  const squatter = http.createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const { port } = squatter.address() as import('node:net').AddressInfo;
  await new Promise<void>((resolve) => squatter.close(() => resolve()));
  const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db], { ...home.env, HOOKTUNNEL_INSPECT_PORT: String(port) });
  try {
    expect(new URL(listen.events.find((e) => e.type === 'ready')!.inspector as string).port).toBe(String(port));
  } finally {
    await listen.stop();
  }
});

it('refuses a bad --inspect-port with a usage error', async () => {
  const result = await runCli(['listen', '3000', '--inspect-port', 'abc', '--db', home.db], { env: home.env });
  expect(result.code).toBe(2);
  expect(result.stderr).toBe('error: --inspect-port "abc" is not a port (0-65535)\nhint: for example --inspect-port 4041\n');
});

it('`web --port` names its own flag when the port is taken', async () => {
  const db = `${home.dir}/taken.db`;
  Store.open(db).close();
  const holder = http.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as { port: number };
  try {
    const result = await runCli(['web', '--db', db, '--no-open', '--port', String(port)], { env: home.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: --port ${port}: port ${port} on 127.0.0.1 is taken\nhint: pick another port (0: any free one), or leave --port out to take the next free one\n`);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});

it('`web` needs an existing database', async () => {
  const result = await runCli(['web', '--db', `${home.dir}/missing.db`, '--no-open'], { env: home.env });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^error: no capture database at .*missing\.db /);
});

// Empty values: xdg-open (the `open` package's launcher on Linux) treats them as unset. No desktop, no display, and a
// BROWSER that fails: xdg-open exits 3 ("no method available") a moment after it started.
const NO_BROWSER = { DISPLAY: '', WAYLAND_DISPLAY: '', XDG_CURRENT_DESKTOP: '', DESKTOP_SESSION: '', KDE_FULL_SESSION: '', GNOME_DESKTOP_SESSION_ID: '', MATE_DESKTOP_SESSION_ID: '', DBUS_SESSION_BUS_ADDRESS: '', BROWSER: 'false' };

it.skipIf(process.platform !== 'linux')('`web` says when no browser could be opened, and keeps serving the printed address', async () => {
  const db = `${home.dir}/no-browser.db`;
  Store.open(db).close();
  const run = start(['web', '--db', db, '--port', '0'], NO_BROWSER);
  await waitFor(() => run.stderr().includes('could not open a browser (xdg-open: exit code 3); open the address above (or pass --no-open)\n'), 'the failure to be reported');
  const address = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(run.stdout())![0];
  expect((await get(address)).status).toBeLessThan(400);
});

it('`web` streams rows that another process records, over server-sent events', async () => {
  const db = `${home.dir}/web.db`;
  Store.open(db).close();
  const run = start(['web', '--db', db, '--no-open', '--json', '--port', '0']);
  const line = await waitFor(() => run.stdout().split('\n').find((l) => l.includes('"ready"')), 'the web ready event');
  const ready = JSON.parse(line) as { inspector: string };
  const { port } = new URL(ready.inspector);

  const events: string[] = [];
  const stream = http.get({ host: '127.0.0.1', port, path: '/api/events', headers: { Host: `127.0.0.1:${port}` } }, (res) => {
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    res.setEncoding('utf8').on('data', (t: string) => events.push(t));
  });
  try {
    await waitFor(() => events.join('').includes('event: info'), 'the info event');
    // This test process is the "other process": its own store connection writes the row.
    const store = Store.open(db);
    try {
      const recorded = await record(store, app.url, { path: '/from-elsewhere', body: 'hi' });
      // First as pending (the row is written before forwarding), then complete: both reach the feed.
      const feed = () =>
        events
          .join('')
          .split('\n')
          .filter((l) => l.startsWith('data: [') && l.includes('/from-elsewhere'))
          .flatMap((l) => JSON.parse(l.slice(6)) as Record<string, unknown>[]);
      const done = await waitFor(() => feed().find((e) => e.state === 'complete'), 'the completed row on the feed');
      expect(done).toMatchObject({ id: recorded.id, path: '/from-elsewhere', status: 200 });
    } finally {
      store.close();
    }
  } finally {
    stream.destroy();
  }
});

it('`web` says as it stops that replays made while the store was locked could not be recorded, exit 1', async () => {
  const db = `${home.dir}/locked.db`;
  const store = Store.open(db);
  const recorded = await record(store, app.url, { path: '/again', body: 'hi' });
  store.close();
  const run = start(['web', '--db', db, '--no-open', '--json', '--port', '0']);
  const line = await waitFor(() => run.stdout().split('\n').find((l) => l.includes('"ready"')), 'the web ready event');
  const url = new URL((JSON.parse(line) as { inspector: string }).inspector);
  const port = Number(url.port);
  const cookie = (await raw(port, 'GET', `/${url.search}`, { Host: url.host })).headers['set-cookie']![0].split(';')[0];

  // Another process holds the write lock while the page replays, and until `web` stops.
  const locker = new Database(db);
  locker.exec('BEGIN IMMEDIATE');
  try {
    const reply = await raw(port, 'POST', `/api/exchanges/${recorded.id}/replay`, { Host: url.host, Origin: url.origin, Cookie: cookie, 'Content-Type': 'application/json' }, '{}');
    expect(reply.status).toBe(200);
    expect(app.received.filter((r) => r.url === '/again')).toHaveLength(2);
    const exited = new Promise<number | null>((resolve) => run.child.once('exit', resolve));
    run.child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(run.stderr()).toContain(`error: replays made in the inspector could not be recorded in ${db}: database is locked\n`);
  } finally {
    locker.exec('ROLLBACK');
    locker.close();
  }
});
