// A relay served under a sub-path (--public-url https://example.com/hooks, behind a proxy at /hooks/): the real relay
// and the real `listen`. A proxy either passes the path on as it came or strips its location; both reach the app.

import { describe, expect, it } from 'vitest';
import { startListen, tempHome } from '../helpers/cli.js';
import { send, startLocalApp } from '../helpers/http.js';
import { freePort, onCleanup, startRelay } from './helpers.js';

describe('--public-url with a path', () => {
  it('prints tunnel URLs under the path, takes the client under it, and routes requests with or without it', async () => {
    const h = tempHome();
    onCleanup(h.cleanup);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/hooks`;
    await startRelay({ port, publicUrl: `${base}/` });

    // The client connects to <base>/_hooktunnel/connect: the path a proxy at /hooks/ passes on as it came.
    const listen = await startListen([String(app.port), '--relay', base, '--name', 'under-a-path', '--db', h.db], h.env);
    onCleanup(() => listen.stop());
    expect(listen.url).toBe(`${base}/t/under-a-path`);

    // As a proxy that passes the path on (nginx `proxy_pass http://127.0.0.1:8080;` in `location /hooks/`).
    const kept = await send(`${listen.url}/webhook?attempt=1`, { body: 'kept' });
    expect([kept.status, kept.headers['x-hooktunnel-error']]).toEqual([200, undefined]);
    expect(app.received[0]).toMatchObject({ url: '/webhook?attempt=1', body: Buffer.from('kept') });
    const recorded = await listen.waitForRequest((e) => e.path === '/webhook?attempt=1', 'the first request to be recorded');
    expect(recorded.url).toBe(`${base}/t/under-a-path/webhook?attempt=1`);

    // As a proxy that strips its location (`proxy_pass http://127.0.0.1:8080/;`): the sender still used <base>/t/...
    const stripped = await send(`http://127.0.0.1:${port}/t/under-a-path/webhook?attempt=2`, { body: 'stripped' });
    expect(stripped.status).toBe(200);
    expect(app.received[1]).toMatchObject({ url: '/webhook?attempt=2', body: Buffer.from('stripped') });
    const second = await listen.waitForRequest((e) => e.path === '/webhook?attempt=2', 'the second request to be recorded');
    expect(second.url).toBe(`${base}/t/under-a-path/webhook?attempt=2`);

    // The relay's own pages are under the path too, and a path that only starts alike is not taken for it.
    const health = await send(`${base}/healthz`, { method: 'GET' });
    expect(health.status).toBe(200);
    const elsewhere = await send(`http://127.0.0.1:${port}/hooksy/t/under-a-path/webhook`, { body: 'x' });
    expect([elsewhere.status, elsewhere.headers['x-hooktunnel-error']]).toEqual([404, 'tunnel_not_found']);
    expect(elsewhere.body.toString()).toContain('tunnel URLs look like /hooks/t/<id>/');
    expect(app.received).toHaveLength(2);
  });
});
