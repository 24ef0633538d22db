// `hooktunnel trigger --path`: what is sent and what is recorded are the same path; a path that cannot be sent is refused.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { homeWithApp } from './recorded.js';


describe('hooktunnel trigger --path', () => {
  it('sends and records a path without a leading slash as the same /path', async () => {
    const { db, env, app } = await homeWithApp();
    const result = await runCli(['trigger', 'github', 'push', '--to', app.url, '--path', 'wh?x=1', '--db', db, '--json'], { env });
    expect(result.code).toBe(0);
    expect(app.received.map((r) => r.url)).toEqual(['/wh?x=1']);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: '/wh?x=1', status: 200 });
    const store = Store.open(db);
    try {
      expect(store.list({ limit: 10 }).map((e) => e.path)).toEqual(['/wh?x=1']);
    } finally {
      store.close();
    }
    // Replayed, it goes to the same path again.
    const replay = await runCli(['replay', '1', '--db', db], { env });
    expect(replay.code).toBe(0);
    expect(app.received.map((r) => r.url)).toEqual(['/wh?x=1', '/wh?x=1']);
  });

  it.each([
    ['/a b', 'contains a space, which a request path cannot hold', 'percent-encode it'],
    ['/a\x1b[2Jb', 'contains a control character (\\e), which a request path cannot hold', 'percent-encode it'],
    ['/café', 'contains "é", which a request path cannot hold', 'percent-encode it'],
    ['http://127.0.0.1:3000/wh', 'is a URL, not a path', 'give the host with --to'],
  ])('refuses %j with a usage error, sending and recording nothing', async (path, message, hint) => {
    const { db, env, app } = await homeWithApp();
    const result = await runCli(['trigger', 'github', 'push', '--to', app.url, '--path', path, '--db', db], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: --path ".*" /);
    expect(lines[0]).toContain(message);
    expect(lines[1]).toContain(`hint: ${hint}`);
    expect(result.stderr).not.toContain('\x1b');
    expect(app.received).toHaveLength(0);
    expect(existsSync(db)).toBe(false);
  });
});

describe('hooktunnel trigger --list --json', () => {
  it('prints the sample events as one JSON array, not the text list', async () => {
    const { env } = await homeWithApp();
    const listed = await runCli(['trigger', '--list', '--json'], { env });
    expect([listed.code, listed.stderr]).toEqual([0, '']);
    const events = JSON.parse(listed.stdout) as { provider: string; event: string }[];
    expect(events).toContainEqual({ provider: 'stripe', event: 'payment_intent.succeeded' });
    expect(events).toContainEqual({ provider: 'shopify', event: 'orders/create' });
    // Without a provider, trigger lists the events too: the same JSON.
    expect(JSON.parse((await runCli(['trigger', '--json'], { env })).stdout)).toEqual(events);
  });
});
