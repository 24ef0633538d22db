// A signature not checked for want of a secret says how to give one, where it is shown: `show` (and the TUI's detail).

import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';

const home = tempHome();
afterAll(() => home.cleanup());

describe('show, for a webhook whose provider has no secret configured', () => {
  it('follows "not checked" with the flag and the variable that give it', async () => {
    const app = await startLocalApp();
    try {
      // No secret anywhere: trigger sends it unsigned, and it is recorded unchecked.
      const sent = await runCli(['trigger', 'github', 'push', '--to', String(app.port), '--db', home.db], { env: home.env });
      expect(sent.code, sent.stderr).toBe(0);
    } finally {
      await app.close();
    }
    const shown = await runCli(['show', '1', '--db', home.db], { env: home.env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/ signature not checked: no secret configured for github \(set --secret github=… or HOOKTUNNEL_SECRET_GITHUB\)\n/);
  });
});
