// A listen killed with -9 mid-exchange leaves its row pending. Readers (ls, show, wait) show it as interrupted at once,
// as the next listen would mark it, without writing anything themselves.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createRelay } from '../../relay-server/relay.js';
import { runCli, startListen, tempHome } from '../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';


const rawState = (db: string) => {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare('SELECT state FROM exchanges WHERE id = 1').pluck().get();
  } finally {
    sqlite.close();
  }
};

describe('an exchange in flight when listen was killed', () => {
  it('is interrupted for ls, show and wait without a new listen, and readers do not write it', async () => {
    const home = tempHome();
    onCleanup(home.cleanup);
    const relay = createRelay({ port: 0, host: '127.0.0.1' });
    const relayUrl = await relay.start();
    onCleanup(() => relay.close());
    // An app that takes the request and never answers.
    const app = await startLocalApp(() => {});
    onCleanup(() => app.close());
    const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db], home.env);
    onCleanup(() => listen.stop());

    void send(`${listen.url}/hook`, { headers: ['Content-Type', 'application/json'], body: '{"n":1}' }).catch(() => {});
    await waitFor(() => app.received.length === 1, 'the app to get the request');
    // While its recorder runs, it is pending for everyone.
    await waitFor(async () => {
      const rows = JSON.parse((await runCli(['ls', '--json', '--db', home.db], { env: home.env })).stdout) as { state: string }[];
      return rows.length === 1 && rows[0].state === 'pending';
    }, 'the exchange to be recorded as pending');

    listen.child.kill('SIGKILL');
    await listen.stop();

    const ls = await runCli(['ls', '--json', '--db', home.db], { env: home.env });
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.stdout)).toMatchObject([{ id: 1, state: 'interrupted', status: null }]);
    const table = await runCli(['ls', '--db', home.db], { env: home.env });
    expect(table.stdout).toMatch(/^1 +\S+ +POST +int /m);
    expect(table.stdout).not.toContain('…');
    const failed = await runCli(['ls', '--failed', '--json', '--db', home.db], { env: home.env });
    expect(JSON.parse(failed.stdout)).toMatchObject([{ id: 1, state: 'interrupted' }]);
    const show = await runCli(['show', '1', '--json', '--db', home.db], { env: home.env });
    expect(JSON.parse(show.stdout)).toMatchObject({ id: 1, state: 'interrupted' });
    // wait counts it as settled (it used to block on it until the timeout).
    const waited = await runCli(['wait', '--since', '0', '--timeout', '10s', '--json', '--db', home.db], { env: home.env });
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ id: 1, state: 'interrupted' });

    // Readers only presented it: the row is written interrupted by the next listen, as before.
    expect(rawState(home.db)).toBe('pending');
    const next = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db], home.env);
    onCleanup(() => next.stop());
    expect(rawState(home.db)).toBe('interrupted');
  });
});
