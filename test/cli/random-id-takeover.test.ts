// On a relay without tokens (a real `hooktunnel relay` on loopback, state in SQLite), another user's `listen --name
// <random id> --force` is refused with exit 1 and what to do, while that id's client is connected, away, and after a
// relay restart; the client keeps its URL and gets what was queued for it.

import { describe, expect, it } from 'vitest';
import { send, startLocalApp, waitFor } from '../helpers/http.js';
import { home, listen, onCleanup, startRelay } from '../nothing-lost/helpers.js';

// listen --json's error line (README, "Errors with --json"), as startListen's rejection quotes its stderr.
const refusal = (id: string) =>
  `listen exited with 1 before it was ready: ${JSON.stringify({
    error: {
      code: 'name_reserved',
      message: `name "${id}" is the URL of another client's tunnel on this relay, and only that client can come back on it; pick another --name (name_reserved)`,
      hint: 'the relay gave this URL to another `hooktunnel listen` (a random id); only that listen comes back on it, and --force does not take it: pick a --name of your own',
    },
  })}\n`;

async function tunnels(relayUrl: string): Promise<number> {
  return ((await (await fetch(`${relayUrl}/healthz`)).json()) as { tunnels: number }).tunnels;
}

describe('a random id on a relay without tokens', () => {
  it('is refused to another listen --name, with or without --force, connected, away or after a relay restart', async () => {
    const h = home();
    let relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const owner = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--no-web'], h.env);
    const id = new URL(owner.url).pathname.replace('/t/', '');

    // Another user (no resume token of the owner's) asking for the owner's URL by name.
    const other = home();
    const takeOver = (force: boolean) =>
      listen([String(app.port), '--relay', relay.url, '--name', id, ...(force ? ['--force'] : []), '--db', other.db, '--no-web'], other.env).then(
        () => {
          throw new Error(`another listen got ${id} (force: ${force})`);
        },
        (error: Error) => error.message,
      );

    for (const force of [false, true]) expect(await takeOver(force)).toBe(refusal(id));
    expect(owner.events.filter((e) => e.type === 'status' && (e.state === 'offline' || e.state === 'reconnecting'))).toEqual([]);
    expect((await send(`${owner.url}/still-mine`, { body: 'x' })).status).toBe(200);
    await owner.waitForRequest((e) => e.path === '/still-mine', 'the owner to record /still-mine');

    // Away, with a request queued for it; then the relay restarts on the same state.
    await owner.kill();
    await waitFor(async () => (await tunnels(relay.url)) === 0, 'the relay to see the owner leave');
    expect((await send(`${owner.url}/while-away`, { body: 'queued' })).status).toBe(202);
    for (const force of [false, true]) expect(await takeOver(force)).toBe(refusal(id));
    await relay.crash();
    relay = await startRelay(h.relayDir, h.env, relay.port);
    expect(await takeOver(true)).toBe(refusal(id));

    // The owner, started again, comes back on its URL (its resume token) and gets what waited for it.
    const back = await listen([String(app.port), '--relay', relay.url, '--db', h.db, '--no-web'], h.env);
    expect(back.url).toBe(owner.url);
    await back.waitForRequest((e) => e.path === '/while-away', 'the queued request');
    expect(app.received.map((r) => r.url)).toEqual(['/still-mine', '/while-away']);
  });
});
