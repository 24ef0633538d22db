// `retry`, `prune`, `show` with attempts, and the status lines of `listen`, through the real CLI.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { BIN, runCli } from '../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, requestEvents, startRelay } from './helpers.js';
import { spawn } from 'node:child_process';

/** A recorded exchange that failed: the local app (at `target`) was down. */
function failedExchange(db: string, target: string): number {
  const store = Store.open(db);
  try {
    const start = { deliveryId: 'd-1', replayOf: null, url: 'http://relay/t/x/hook', target, receivedAt: Date.now() - 60_000, method: 'POST', path: '/hook', headers: [['Content-Type', 'text/plain']] as [string, string][], body: Buffer.from('payload') };
    const recording = store.begin(start);
    recording.fail(502, 'local_unreachable', 'connection refused', 2);
    return recording.id;
  } finally {
    store.close();
  }
}

describe('hooktunnel retry', () => {
  it('sends a failed exchange again as a new attempt of the same exchange, without a listen running', async () => {
    const h = home();
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const id = failedExchange(h.db, app.url);

    const result = await runCli(['retry', String(id), '--db', h.db, '--json'], { env: h.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id, status: 200, state: 'complete', attempts: 2, nextAttemptAt: null });
    expect(app.received.map((r) => [r.url, r.body.toString()])).toEqual([['/hook', 'payload']]);

    const ls = JSON.parse((await runCli(['ls', '--db', h.db, '--json'], { env: h.env })).stdout);
    expect(ls).toHaveLength(1);
    const show = await runCli(['show', String(id), '--db', h.db], { env: h.env });
    expect(show.stdout).toMatch(/Attempts\n\s+1 .*local_unreachable: connection refused/);
    expect(show.stdout).toMatch(/\n\s+2 .*200 .*\(hooktunnel retry\)/);
    const json = JSON.parse((await runCli(['show', String(id), '--db', h.db, '--json'], { env: h.env })).stdout);
    expect(json.attemptHistory.map((a: { attempt: number; trigger: string }) => [a.attempt, a.trigger])).toEqual([[1, 'auto'], [2, 'manual']]);
  });

  it('sends nothing while a listen is delivering that exchange, and says who holds it', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    let release: (() => void) | undefined;
    const app = await startLocalApp((_req, res) => (release = () => res.end('late')));
    onCleanup(() => app.close());
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--ack'], h.env);
    expect((await send(`${cli.url}/held`, { body: 'x' })).status).toBe(200);
    await waitFor(() => release, 'the attempt to reach the app');

    const store = Store.open(h.db);
    const [{ id }] = store.list({ limit: 1 });
    store.close();
    const result = await runCli(['retry', String(id), '--db', h.db], { env: h.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`exchange #${id} is being delivered right now by process ${cli.child.pid}; nothing sent`);
    release!();
    await waitFor(() => requestEvents(cli.events).some((e) => e.id === id && e.status === 200), 'the attempt to finish');
    expect(app.received).toHaveLength(1);
    await cli.stop();
  });

  it('names an unknown id', async () => {
    const h = home();
    failedExchange(h.db, 'http://127.0.0.1:9');
    const result = await runCli(['retry', '99', '--db', h.db], { env: h.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no exchange #99');
  });
});

describe('hooktunnel prune', () => {
  it('deletes all but the newest --keep, and needs a rule', async () => {
    const h = home();
    const store = Store.open(h.db);
    for (let i = 0; i < 5; i++) {
      store.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://127.0.0.1:9', receivedAt: Date.now(), method: 'GET', path: `/${i}`, headers: [], body: Buffer.alloc(0) }).complete(1);
    }
    store.close();
    const pruned = await runCli(['prune', '--keep', '2', '--db', h.db], { env: h.env });
    expect(pruned.stdout).toBe(`pruned 3 exchanges from ${h.db}\n`);
    const ls = JSON.parse((await runCli(['ls', '--db', h.db, '--json'], { env: h.env })).stdout);
    expect(ls.map((e: { path: string }) => e.path)).toEqual(['/4', '/3']);
    const usage = await runCli(['prune', '--db', h.db], { env: h.env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('prune needs --older-than or --keep');
  });
});

describe('hooktunnel ls', () => {
  it('warns on stderr about exchanges dropped while the store was full or locked, keeping --json clean', async () => {
    const h = home();
    failedExchange(h.db, 'http://127.0.0.1:9');
    const db = new Database(h.db);
    db.prepare(`INSERT INTO counters (name, value) VALUES ('dropped_exchanges', 3)`).run();
    db.close();
    const result = await runCli(['ls', '--db', h.db, '--json'], { env: h.env });
    expect(JSON.parse(result.stdout)).toHaveLength(1);
    expect(result.stderr).toBe('warning: 3 exchanges were not recorded: the store was full or locked and the memory buffer overflowed\n');
  });
});

describe('listen status', () => {
  it('prints a reconnecting line in plain mode, and status events with --json, while the relay is unreachable', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const cli = await listen(['9', '--relay', relay.url, '--db', h.db], h.env);
    await relay.crash();
    await waitFor(() => cli.events.find((e) => e.type === 'status' && e.state === 'reconnecting' && typeof e.attempt === 'number'), 'a reconnecting event');

    const plain = spawn(process.execPath, [BIN, 'listen', '9', '--relay', relay.url, '--db', h.db, '--no-tui'], {
      env: { ...process.env, ...h.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    plain.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise((resolve) => plain.on('exit', resolve));
    onCleanup(async () => {
      plain.kill('SIGKILL');
      await exited;
    });
    await waitFor(() => {
      if (plain.exitCode !== null) throw new Error(`listen exited: ${stderr}`);
      return /reconnecting \(attempt 1, retrying in [\d.]+s\): could not connect to relay/.test(stderr);
    }, 'a plain reconnecting line');
  });
});
