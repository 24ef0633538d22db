// Chaos: listen is killed (SIGKILL) while the local app is still working on a live request. The relay had the whole
// body, so it answers the sender 202 and redelivers on the next connection. The next listen finds the delivery recorded
// but interrupted (no answer ever came) and sends it again, as a queued delivery cut off mid-attempt is: at least once,
// recorded once, the cut attempt kept in its history. (A Ctrl-C or SIGTERM lets the app answer first instead: listen-signal-drain.test.ts.)

import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { send, waitFor } from '../helpers/http.js';
import { home, listen, queuedRequests, requestEvents, startRelay, watchfulApp } from './helpers.js';

describe('listen killed while the app works on a live request', () => {
  it('is answered 202 by the relay, and the next listen delivers it again as attempt 2 of the same exchange', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    // The first request is held until the test lets it go (the app is slow); later ones are answered at once.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const app = await watchfulApp(() => (++calls === 1 ? held : Promise.resolve()));
    const args = [String(app.port), '--relay', relay.url, '--db', h.db, '--name', 'killed-mid-answer'];
    const first = await listen(args, h.env);

    const reply = send(`${first.url}/hook`, { headers: ['Content-Type', 'application/json'], body: '{"n":1}' });
    await waitFor(() => app.completed.length === 1, 'the app to have the whole request');
    await first.kill();
    expect((await reply).status).toBe(202);
    release();

    const second = await listen(args, h.env);
    await waitFor(() => requestEvents(second.events).some((e) => e.status === 200), 'the delivery by the next listen');
    await waitFor(async () => (await queuedRequests(relay.url)) === 0, 'the ACK');
    expect(app.completed.map((r) => r.url)).toEqual(['/hook', '/hook']);

    const store = Store.open(h.db);
    try {
      const rows = store.list({ limit: 10 });
      expect(rows).toHaveLength(1);
      const stored = store.get(rows[0].id)!;
      expect(stored).toMatchObject({ state: 'complete', status: 200, sender: { reason: 'offline', status: 202 } });
      expect(stored.attemptHistory?.map((a) => a.status)).toEqual([null, 200]);
    } finally {
      store.close();
    }
    const show = await runCli(['show', '1', '--db', h.db], { env: h.env });
    expect(show.stdout).toMatch(/^ {3}1 {2}\S+ \S+ {2}no answer \(interrupted\)$/m);
    expect(show.stdout).toMatch(/^ {3}2 {2}\S+ \S+ {2}200 /m);
  });
});
