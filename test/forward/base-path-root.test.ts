// A target with a base path (`listen http://127.0.0.1:3000/webhooks/stripe`, or a route forwarding to one): the
// tunnel's bare URL, and a route's bare prefix, reach the base path itself, with no trailing slash added, as
// `stripe listen --forward-to localhost:3000/webhooks/stripe` does. Replay and `show --curl` go to the same place.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loopbackRelay, runCli, startListen, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { send, startLocalApp, waitFor } from '../helpers/http.js';

async function setUp() {
  const cleanups: (() => unknown)[] = [];
  onCleanup(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  const relayUrl = await loopbackRelay(cleanups);
  const h = tempHome();
  onCleanup(h.cleanup);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  return { relayUrl, h, app };
}

describe('a target with a base path', () => {
  it('gets the bare tunnel URL at the base path itself; longer paths and queries are appended', async () => {
    const { relayUrl, h, app } = await setUp();
    const cli = await startListen([`${app.url}/webhooks/stripe`, '--relay', relayUrl, '--db', h.db, '--no-web'], h.env);
    onCleanup(() => cli.stop());

    expect((await send(cli.url, { body: 'bare' })).status).toBe(200);
    expect((await send(`${cli.url}?attempt=2`, { body: 'query' })).status).toBe(200);
    expect((await send(`${cli.url}/deeper`, { body: 'deeper' })).status).toBe(200);
    expect(app.received.map((r) => r.url)).toEqual(['/webhooks/stripe', '/webhooks/stripe?attempt=2', '/webhooks/stripe/deeper']);

    await waitFor(() => cli.events.filter((e) => e.type === 'request').length === 3, 'three exchanges');
    const replay = await runCli(['replay', '1', '--db', h.db], { env: h.env });
    expect(replay.code).toBe(0);
    expect(app.received.at(-1)!.url).toBe('/webhooks/stripe');
    const curl = await runCli(['show', '1', '--curl', '--db', h.db], { env: h.env });
    expect(curl.stdout).toContain(`'${app.url}/webhooks/stripe'`);
  });

  it('gets a route\'s bare prefix at the base path of the route\'s target', async () => {
    const { relayUrl, h, app } = await setUp();
    const config = join(h.dir, 'hooktunnel.yml');
    writeFileSync(config, `routes:\n  /webhooks/stripe: ${app.url}/webhooks/stripe\n`);
    const cli = await startListen(['--config', config, '--relay', relayUrl, '--db', h.db, '--no-web'], h.env);
    onCleanup(() => cli.stop());

    expect((await send(`${cli.url}/webhooks/stripe`, { body: 'routed' })).status).toBe(200);
    expect((await send(`${cli.url}/webhooks/stripe/x`, { body: 'below' })).status).toBe(200);
    expect(app.received.map((r) => r.url)).toEqual(['/webhooks/stripe', '/webhooks/stripe/x']);

    await waitFor(() => cli.events.filter((e) => e.type === 'request').length === 2, 'two exchanges');
    const replay = await runCli(['replay', '1', '--db', h.db], { env: h.env });
    expect(replay.code).toBe(0);
    expect(app.received.at(-1)!.url).toBe('/webhooks/stripe');
  });
});
