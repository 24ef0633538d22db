// Delivery order in acknowledge mode: a retry does not hold back later webhooks, so a retried one can reach the app
// after a webhook received later. Such a delivery is marked (`deliveredAfter`) in listen's events, ls, show and JSON.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, requestEvents, startRelay } from './helpers.js';

describe('a retry that lands after a later webhook', () => {
  it('does not stall the later one, and is marked as delivered after it everywhere', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    // The app refuses /first until /second has reached it: the retry of /first lands after /second, whatever the timing.
    let secondArrived = false;
    const app = await startLocalApp((req, res) => {
      if (req.url === '/second') secondArrived = true;
      if (req.url === '/first' && !secondArrived) res.writeHead(503).end('not yet');
      else res.end('ok');
    });
    onCleanup(() => app.close());
    const cli = await listen([app.url, '--relay', relay.url, '--db', h.db, '--ack', '--retry-base', '50ms', '--max-attempts', '30'], h.env);

    expect((await send(`${cli.url}/first`, { body: '1' })).status).toBe(200);
    await waitFor(() => requestEvents(cli.events).some((e) => e.path === '/first' && e.status === 503), 'the first attempt at /first to fail');
    expect((await send(`${cli.url}/second`, { body: '2' })).status).toBe(200);
    const first = await cli.waitForRequest((e) => e.path === '/first' && e.status === 200, 'the retry of /first to succeed');
    const second = await cli.waitForRequest((e) => e.path === '/second', '/second to be delivered');
    expect(app.received.map((r) => r.url).filter((url, i, all) => all.indexOf(url) === i)).toEqual(['/first', '/second']);
    expect(app.received.map((r) => r.url).slice(-2)).toEqual(['/second', '/first']);

    // Received after both and delivered in order: no mark.
    expect((await send(`${cli.url}/third`, { body: '3' })).status).toBe(200);
    const third = await cli.waitForRequest((e) => e.path === '/third', '/third to be delivered');

    expect(first.deliveredAfter).toBe(second.id);
    expect(second.deliveredAfter).toBeNull();
    expect(third.deliveredAfter).toBeNull();

    const ls = JSON.parse((await runCli(['ls', '--db', h.db, '--json'], { env: h.env })).stdout) as Record<string, unknown>[];
    expect(ls.map((e) => [e.path, e.deliveredAfter])).toEqual([
      ['/third', null],
      ['/second', null],
      ['/first', second.id],
    ]);
    const table = (await runCli(['ls', '--db', h.db], { env: h.env })).stdout.split('\n');
    expect(table.find((line) => line.includes('/first'))).toContain(`after #${second.id}`);
    expect(table.find((line) => line.includes('/second'))).not.toContain('after #');

    const show = await runCli(['show', String(first.id), '--db', h.db], { env: h.env });
    expect(show.stdout).toContain(`delivered after #${second.id}, which was received later`);
    const showJson = JSON.parse((await runCli(['show', String(first.id), '--db', h.db, '--json'], { env: h.env })).stdout);
    expect(showJson.deliveredAfter).toBe(second.id);
    await cli.stop();
  });
});
