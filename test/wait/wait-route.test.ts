// `wait --match route=…` names a hooktunnel.yml route as the file writes it: `/github/:` is the route /github (routes
// are recorded without the trailing slash), so `route=/github/` once waited for something that could never match.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { send, startLocalApp } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';
import { home, listen, startRelay } from '../nothing-lost/helpers.js';

describe('wait --match route=', () => {
  it('matches a route written with a trailing slash, in the file or in the expression', async () => {
    const h = home();
    const relay = await startRelay(h.relayDir, h.env);
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const config = join(h.dir, 'hooktunnel.yml');
    writeFileSync(config, `routes:\n  /github/: ${app.url}\n  /other: ${app.url}\n`);
    const cli = await listen(['--config', config, '--relay', relay.url, '--db', h.db], h.env);
    expect((await send(`${cli.url}/github/push`, { body: 'x' })).status).toBe(200);
    await cli.waitForRequest((e) => e.path === '/github/push', 'the request on /github');

    for (const route of ['/github/', '/github']) {
      const found = await runCli(['wait', '--since', '0', '--match', `route=${route}`, '--timeout', '10s', '--json', '--db', h.db], { env: h.env });
      expect([found.code, found.stderr]).toEqual([0, '']);
      expect(JSON.parse(found.stdout)).toMatchObject({ path: '/github/push', route: '/github' });
    }
    // Still a route of its own: /other does not take /github's exchange.
    const other = await runCli(['wait', '--since', '0', '--match', 'route=/other/', '--timeout', '300ms', '--db', h.db], { env: h.env });
    expect(other.code).toBe(124);
  });
});
