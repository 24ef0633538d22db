// Chaos: listen is killed (SIGKILL) while a 20 MiB body streams through it, more than the relay keeps for a redelivery,
// so the sender gets 502 and the recording keeps only the part that came. Every view says the request is not whole,
// and replay and retry refuse to send that part as if it were the request (the app would take it for a whole one),
// also after a HAR export and import; `replay --body-file` sends it with the whole body.

import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sha256, waitFor } from '../helpers/http.js';
import { home, listen, startRelay, watchfulApp } from './helpers.js';

const MiB = 1024 * 1024;

describe('listen killed mid-body', () => {
  it('leaves an interrupted exchange marked incomplete, which replay and retry refuse to send as it is', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await watchfulApp();
    const cli = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'killed-mid-body'], h.env);

    const body = Buffer.alloc(20 * MiB, 'a');
    const req = http.request(`${cli.url}/upload`, { method: 'POST', agent: false, headers: { 'Content-Length': body.length } });
    const reply = new Promise<number | Error>((resolve) => {
      req.on('response', (res) => (res.resume(), res.on('end', () => resolve(res.statusCode!))));
      req.on('error', resolve);
    });
    req.write(body.subarray(0, 8 * MiB));
    await waitFor(() => app.started.includes('/upload'), 'the body to be streaming to the app');
    await cli.kill();
    req.end(body.subarray(8 * MiB));
    // Over the 16 MiB the relay keeps for a redelivery: the sender is told to retry, nothing is queued.
    expect(await reply).toBe(502);

    const ls = JSON.parse((await runCli(['ls', '--json', '--db', h.db], { env: h.env })).stdout) as Record<string, any>[];
    expect(ls).toMatchObject([{ id: 1, state: 'interrupted', request: { complete: false } }]);
    const show = JSON.parse((await runCli(['show', '1', '--json', '--db', h.db], { env: h.env })).stdout);
    expect(show.request.complete).toBe(false);
    expect(show.request.size).toBeLessThan(body.length);

    const replay = await runCli(['replay', '1', '--db', h.db], { env: h.env });
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain('error: exchange #1 has only part of its request body');
    const retry = await runCli(['retry', '1', '--db', h.db], { env: h.env });
    expect(retry.code).toBe(2);
    expect(retry.stderr).toContain('error: exchange #1 has only part of its request body');
    expect(retry.stderr).toContain('nothing sent');
    expect(app.completed).toEqual([]);

    // Through its own HAR export and an import, it stays what it is: not whole, not sent as it is.
    const har = join(h.dir, 'cut.har');
    const imported = join(h.dir, 'imported.db');
    expect((await runCli(['export', '--har', har, '--db', h.db], { env: h.env })).code).toBe(0);
    expect((await runCli(['import', har, '--db', imported], { env: h.env })).code).toBe(0);
    const again = JSON.parse((await runCli(['show', '1', '--json', '--db', imported], { env: h.env })).stdout);
    expect(again).toMatchObject({ state: 'interrupted', request: { complete: false, size: show.request.size, sha256: null } });
    expect(again.request.body).toEqual(show.request.body);
    expect((await runCli(['replay', '1', '--db', imported], { env: h.env })).code).toBe(2);

    // An edit that changes nothing is still the truncated part: refused, not sent as a whole request.
    const unchanged = join(h.dir, 'keep.sh');
    writeFileSync(unchanged, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const edited = await runCli(['replay', '1', '--edit', '--db', h.db], { env: { ...h.env, EDITOR: unchanged, VISUAL: '' } });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain('error: exchange #1 has only part of its request body');
    expect(app.completed).toEqual([]);

    const file = join(h.dir, 'whole.bin');
    writeFileSync(file, body);
    const withBody = await runCli(['replay', '1', '--db', h.db, '--body-file', file], { env: h.env });
    expect(withBody.code).toBe(0);
    expect(app.completed).toEqual([{ url: '/upload', sha256: sha256(body), size: body.length }]);
  });
});
