// The inspector with routes: the header names them, and a replay goes back through the route that took the exchange.

import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/forward/target.js';
import type { Route } from '../../src/routes/route-table.js';
import { Session } from '../../src/session.js';
import { Store } from '../../src/store/store.js';
import { SessionModel } from '../../src/tui/session-model.js';
import { tempHome } from '../helpers/cli.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';

describe('SessionModel with routes', () => {
  it('shows the number of routes and replays each exchange to its own route target', async () => {
    const home = tempHome();
    onCleanup(home.cleanup);
    const apps: LocalApp[] = [await startLocalApp(), await startLocalApp()];
    for (const app of apps) onCleanup(() => app.close());
    const store = Store.open(home.db);
    onCleanup(() => store.close());
    const route = (prefix: string, app: LocalApp): Route => ({ prefix, mode: 'forward', target: parseTarget(`${app.url}/base`), timeoutMs: 5000, hostHeader: 'rewrite' });
    const routes = [route('/one', apps[0]), route('/two', apps[1])];
    const session = new Session({ target: parseTarget(apps[0].url), routes, relayUrl: 'ws://127.0.0.1:1', timeoutMs: 5000, hostHeader: 'rewrite', retry: false, store });
    onCleanup(() => session.close());
    const model = new SessionModel({ session, store, target: parseTarget(apps[0].url), timeoutMs: 5000 });
    onCleanup(() => model.close());
    expect(model.info().target).toBe('2 routes (hooktunnel.yml)');
    // Where they came from, as listen's first line says it: a piped config is not called hooktunnel.yml.
    const piped = new SessionModel({ session, store, target: parseTarget(apps[0].url), routesFrom: 'piped config /dev/fd/63', timeoutMs: 5000 });
    onCleanup(() => piped.close());
    expect(piped.info().target).toBe('2 routes (piped config /dev/fd/63)');

    const recording = store.begin({ deliveryId: null, replayOf: null, url: null, target: `${apps[1].url}/base`, route: '/two', receivedAt: Date.now(), method: 'POST', path: '/two/hook?x=1', headers: [], body: Buffer.from('b') });
    recording.respond(200, []);
    recording.complete(1);
    const replay = await model.replay(recording.id);
    expect(replay).toMatchObject({ status: 200, route: '/two', path: '/two/hook?x=1' });
    expect(apps[0].received).toHaveLength(0);
    expect(apps[1].received[0]).toMatchObject({ url: '/base/hook?x=1' });
  });
});
