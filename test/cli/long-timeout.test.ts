// A --timeout past setTimeout's limit (2^31-1 ms, about 24.8 days) once fired at once: `replay --timeout 30d` of a
// request that takes node:http's path (an Expect header) failed "did not answer within 2592000 s" on the spot.
// (`wait --timeout 30d` is in test/wait/wait-cli.test.ts.)

import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp } from '../helpers/http.js';
import { record } from './recorded.js';

describe('--timeout longer than 24.8 days', () => {
  it('replay --timeout 30d waits for a slow app on the node:http path instead of timing out at once', async () => {
    const h = tempHome();
    onCleanup(h.cleanup);
    // The app takes a moment: long enough for a timer that fires at once to beat it.
    const app = await startLocalApp((_req, res) => void setTimeout(() => res.end('late'), 200));
    onCleanup(() => app.close());
    const [id] = record(h.db, [{ target: app.url, status: 200 }]);
    const replay = await runCli(['replay', String(id), '--db', h.db, '--set-header', 'Expect: 100-continue', '--timeout', '30d', '--json'], { env: h.env });
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ replayOf: id, status: 200, state: 'complete' });
    expect(app.received).toHaveLength(1);
  });
});
