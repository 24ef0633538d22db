// An automatic attempt that fell due while no listen ran (the laptop slept, listen was stopped) is shown as due and
// waiting for a listen to its target, not as "retry in 0.0ms", which never came.

import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';

describe('show, for a queued delivery whose attempt is past due', () => {
  it('says the retry is due and who sends it', async () => {
    const home = tempHome();
    onCleanup(home.cleanup);
    const store = Store.open(home.db);
    try {
      store.begin({
        deliveryId: 'queued-1',
        replayOf: null,
        url: 'http://relay.test/t/x/hook',
        target: 'http://127.0.0.1:9',
        receivedAt: Date.now() - 120_000,
        method: 'POST',
        path: '/hook',
        headers: [['Content-Type', 'application/json']],
        body: Buffer.from('{}'),
        queued: { reason: 'offline', senderStatus: 202, senderBody: Buffer.from('{"queued":true}'), lateByMs: 100 },
        maxAttempts: 8,
        nextAttemptAt: Date.now() - 60_000,
      });
    } finally {
      store.close();
    }

    const show = await runCli(['show', '1', '--db', home.db], { env: home.env });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('attempt 0/8  retry due: a listen to http://127.0.0.1:9 sends it\n');
    expect(show.stdout).not.toContain('retry in');
  });
});
